using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SecureChat.EndToEnd.Tests.Harness;

namespace SecureChat.EndToEnd.Tests;

/// <summary>
/// A whole conversation between the real apps at the most verbose log level (trace), with a PSK from an
/// owner-only file and a tap on the wire between them. What each secret is, the test works out itself:
/// the PSK it wrote, the identity private keys from the two homes, and the two secrets each side wrapped
/// to the other (unwrapped from the tapped frames with those keys). None may show in any log, stderr or
/// stdout, in clear, hex or base64; no message text may show on stderr or on the wire; and the logs hold
/// no long hex or base64 run at all, so no key the test cannot know (chain or message keys) slips out either.
/// Afterwards both homes hold their key and known peers 0600 in a 0700 folder.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed partial class SecretHygieneTests(ITestOutputHelper output) : EndToEndTest(output)
{
    private readonly ITestOutputHelper _output = output;

    [Fact]
    public async Task Conversation_AtTraceLevelThroughATap_NoSecretInAnyLogOrOutputAndNoTextOrPskOnTheWire()
    {
        string psk = "psk-" + Guid.NewGuid().ToString("N");
        string pskFile = OwnerOnlyFile("psk", psk + "\n");
        string[] fromUser1 = [$"user1 says {Guid.NewGuid():N}", $"ünïcödé from user1 {Guid.NewGuid():N} 😀", $"user1 <b>&amp; {Guid.NewGuid():N}"];
        string[] fromUser2 = [$"user2 says {Guid.NewGuid():N}", $"a \"quoted\" reply {Guid.NewGuid():N}", $"user2 closes {Guid.NewGuid():N}"];
        string home1 = Sandbox.NewHome("user1");
        string home2 = Sandbox.NewHome("user2");
        int port = ChatSandbox.FreePort();
        string[] common = ["--psk-file", pskFile, "--verbosity", "trace", "--wait", ReceiptWait];
        ChatProcess user1 = await Sandbox.StartListenerAsync(port, home1, ["--once", .. common]);
        await using var tap = new WireTap(port);
        ChatProcess user2 = Sandbox.StartConnector(tap.Port, home2, common);

        await BothConnectedAsync(user1, user2);
        foreach ((string a, string b) in fromUser1.Zip(fromUser2))
        {
            await user1.WriteLineAsync(a);
            await user2.WriteLineAsync(b);
        }

        await user1.WaitForStdoutLinesAsync(fromUser2.Length);
        await user2.WaitForStdoutLinesAsync(fromUser1.Length);
        user1.CloseInput();
        user2.CloseInput();
        (await user1.WaitForExitAsync()).Should().Be(0, user1.Transcript);
        (await user2.WaitForExitAsync()).Should().Be(0, user2.Transcript);
        await tap.Finished.WaitAsync(TimeSpan.FromSeconds(30));

        Dictionary<string, byte[]> secrets = KnownSecrets(psk, home1, home2, tap, out Dictionary<string, byte[]> wrapped);
        string wire = Encoding.Latin1.GetString([.. tap.ToListener, .. tap.ToConnector]);
        var shown = new Dictionary<string, string>
        {
            ["User1 stderr"] = user1.StderrText,
            ["User2 stderr"] = user2.StderrText,
            ["User1 stdout"] = user1.StdoutText,
            ["User2 stdout"] = user2.StdoutText,
        };
        int checks = 0;

        user1.StderrText.Should().Contain("dbug:", "trace logging was on");
        user2.StderrText.Should().Contain("dbug:", "trace logging was on");
        foreach ((string where, string text) in shown)
        {
            foreach ((string name, byte[] secret) in secrets.Concat(wrapped))
            {
                foreach (string form in Forms(secret))
                {
                    text.Should().NotContain(form, $"{where} must never show {name}");
                    checks++;
                }
            }
        }

        foreach ((string name, byte[] secret) in secrets)
        {
            foreach (string form in Forms(secret))
            {
                wire.Should().NotContain(form, $"{name} must never be on the wire");
                checks++;
            }
        }

        foreach (string text in fromUser1.Concat(fromUser2))
        {
            foreach (string form in TextForms(text))
            {
                wire.Should().NotContain(form, "no message text crosses the wire readable");
                user1.StderrText.Should().NotContain(form, "message text stays off stderr, even at trace level");
                user2.StderrText.Should().NotContain(form, "message text stays off stderr, even at trace level");
                checks += 3;
            }
        }

        foreach ((string where, string text) in shown.Where(p => p.Key.EndsWith("stderr", StringComparison.Ordinal)))
        {
            LongRuns(text).Should().BeEmpty($"{where} holds no long hex or base64 run that could be a key");
        }

        if (!OperatingSystem.IsWindows())
        {
            // And the files the conversation left behind are the owner's alone.
            const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            foreach (string home in new[] { home1, home2 })
            {
                File.GetUnixFileMode(Path.Combine(home, "identity.pem")).Should().Be(OwnerOnly);
                File.GetUnixFileMode(Path.Combine(home, "known_peers")).Should().Be(OwnerOnly);
                File.GetUnixFileMode(home).Should().Be(OwnerOnly | UnixFileMode.UserExecute);
            }
        }

        user1.Stdout.Should().HaveCount(fromUser2.Length).And.OnlyContain(line => fromUser2.Any(t => IsMessage(line, "User2", t)));
        user2.Stdout.Should().HaveCount(fromUser1.Length).And.OnlyContain(line => fromUser1.Any(t => IsMessage(line, "User1", t)));
        _output.WriteLine($"{secrets.Count} secrets, {wrapped.Count} wrapped secrets and {fromUser1.Length + fromUser2.Length} texts: {checks} absence checks over "
            + $"{shown.Sum(p => p.Value.Length)} characters of output and {wire.Length} bytes of wire");
    }

    /// <summary>The PSK, both identity private keys (whole and by part) and both secrets the sides wrapped, unwrapped from the tapped frames.</summary>
    private static Dictionary<string, byte[]> KnownSecrets(string psk, string home1, string home2, WireTap tap, out Dictionary<string, byte[]> wrapped)
    {
        using RSA user1Key = RSA.Create();
        using RSA user2Key = RSA.Create();
        string pem1 = File.ReadAllText(Path.Combine(home1, "identity.pem"));
        string pem2 = File.ReadAllText(Path.Combine(home2, "identity.pem"));
        user1Key.ImportFromPem(pem1);
        user2Key.ImportFromPem(pem2);
        var secrets = new Dictionary<string, byte[]> { ["the PSK"] = Encoding.UTF8.GetBytes(psk) };
        foreach ((string who, RSA key, string pem) in new[] { ("User1", user1Key, pem1), ("User2", user2Key, pem2) })
        {
            RSAParameters p = key.ExportParameters(includePrivateParameters: true);
            secrets[$"{who}'s private key (PKCS#8)"] = key.ExportPkcs8PrivateKey();
            secrets[$"{who}'s private exponent"] = p.D!;
            secrets[$"{who}'s prime p"] = p.P!;
            secrets[$"{who}'s prime q"] = p.Q!;
            secrets[$"{who}'s CRT exponent dp"] = p.DP!;
            int line = 0;
            foreach (string body in pem.Split('\n').Where(l => l.Length == 64))
            {
                secrets[$"{who}'s key file, line {++line}"] = Convert.FromBase64String(body);
            }
        }

        // Frame 2 (User1's hello) carries the secret wrapped to User2; frame 3 (User2's finish) the one wrapped to User1.
        byte[] toUser2 = Wrapped(tap.ToConnector, frameIndex: 0);
        byte[] toUser1 = Wrapped(tap.ToListener, frameIndex: 1);
        secrets["the secret User1 wrapped"] = user2Key.Decrypt(toUser2, RSAEncryptionPadding.OaepSHA256);
        secrets["the secret User2 wrapped"] = user1Key.Decrypt(toUser1, RSAEncryptionPadding.OaepSHA256);
        secrets["the secret User1 wrapped"].Should().HaveCount(32);
        wrapped = new Dictionary<string, byte[]> { ["User1's wrapped secret"] = toUser2, ["User2's wrapped secret"] = toUser1 };
        return secrets;
    }

    private static byte[] Wrapped(byte[] stream, int frameIndex)
    {
        int offset = 0;
        for (int i = 0; i < frameIndex; i++)
        {
            offset += 4 + (int)BinaryPrimitives.ReadUInt32BigEndian(stream.AsSpan(offset));
        }

        int length = (int)BinaryPrimitives.ReadUInt32BigEndian(stream.AsSpan(offset));
        using JsonDocument frame = JsonDocument.Parse(stream.AsMemory(offset + 4, length));
        return frame.RootElement.GetProperty("wrapped").GetBytesFromBase64();
    }

    private static IEnumerable<string> Forms(byte[] secret)
    {
        string base64 = Convert.ToBase64String(secret);
        return [Encoding.Latin1.GetString(secret), Convert.ToHexString(secret), Convert.ToHexStringLower(secret), base64, base64.TrimEnd('='),
            Convert.ToHexStringLower(secret, 0, Math.Min(16, secret.Length)), Convert.ToHexString(secret, 0, Math.Min(16, secret.Length))];
    }

    private static IEnumerable<string> TextForms(string text)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        return [Encoding.Latin1.GetString(utf8), text, JsonSerializer.Serialize(text)[1..^1], Convert.ToBase64String(utf8), Convert.ToHexString(utf8), Convert.ToHexStringLower(utf8)];
    }

    /// <summary>Runs of 40+ base64 or 32+ hex characters, except fingerprints (<c>SHA256:</c> and 43 base64 characters) and file paths.</summary>
    private static List<string> LongRuns(string text) =>
        LongRun().Matches(PathPattern().Replace(FingerprintPattern().Replace(text, "SHA256:<fingerprint>"), "<path>")).Select(m => m.Value).ToList();

    [GeneratedRegex(@"(?<=^|[\s'(])/[^\s']*", RegexOptions.Multiline)]
    private static partial Regex PathPattern();

    [GeneratedRegex(@"[A-Za-z0-9+/=_-]{40,}|[0-9A-Fa-f]{32,}")]
    private static partial Regex LongRun();

    [GeneratedRegex(@"SHA256:[A-Za-z0-9+/]{43}")]
    private static partial Regex FingerprintPattern();

    private string OwnerOnlyFile(string name, string contents)
    {
        string directory = Sandbox.NewHome("secrets");
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, name);
        File.WriteAllText(path, contents);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return path;
    }
}
