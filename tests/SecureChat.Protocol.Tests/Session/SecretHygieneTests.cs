using System.Text;
using System.Text.Json;
using SecureChat.Protocol.Session;
using SecureChat.Protocol.Tests.Fuzzing;
using SecureChat.Protocol.Tests.Infrastructure;

namespace SecureChat.Protocol.Tests.Session;

/// <summary>
/// With every random choice of a real conversation fixed, every secret both sides derived is known (the
/// PSK and its key, the ephemeral private keys, the ECDH output, both wrapped secrets, the PRK, both
/// finished keys, both chain keys, and every record's message, MAC and encryption key, and the identity
/// private keys). None may appear, raw, in hex or in base64, on the wire or in the text of any failure the
/// protocol reports (which the apps log and print); and no message text may appear on the wire.
/// </summary>
public sealed class SecretHygieneTests(CapturedConversationFixture fixture, ITestOutputHelper output) : IClassFixture<CapturedConversationFixture>
{
    [Fact]
    public void Wire_WholeConversation_HoldsNoMessageTextAndNoSecret()
    {
        CapturedConversation capture = fixture.Capture;
        string wire = Latin1([.. capture.ToResponder.Concat(capture.ToInitiator).SelectMany(f => f)]);
        var checkedForms = 0;

        foreach ((string name, byte[] secret) in capture.Secrets)
        {
            foreach (string form in SecretForms.Of(secret))
            {
                wire.Should().NotContain(form, $"{name} must never be on the wire");
                checkedForms++;
            }
        }

        foreach ((_, string text) in CapturedConversation.Script)
        {
            foreach (string form in SecretForms.OfText(text))
            {
                wire.Should().NotContain(form, $"the message \"{text}\" must never be on the wire in clear");
                checkedForms++;
            }
        }

        output.WriteLine($"{capture.Secrets.Count} secrets and {CapturedConversation.Script.Count} texts, {checkedForms} encodings, absent from {wire.Length} bytes of wire");
    }

    [Fact]
    public void FailureMessages_OfHundredsOfRefusedInputs_ShowNoSecretAndNoMessageText()
    {
        CapturedConversation capture = fixture.Capture;
        var texts = new List<string>();
        foreach (string target in FuzzTargets.Names)
        {
            // The whole text of each failure, inner exceptions and all: the apps log exactly that at debug level.
            var targets = new FuzzTargets(capture) { Refused = e => texts.Add(e.ToString()) };
            new MutationalFuzzer(targets, target, 1_122).Run(TimeSpan.FromSeconds(1), 0, 2_000, TimeSpan.FromSeconds(20)).Findings.Should().BeEmpty();
        }

        string all = string.Join('\n', texts.Distinct());
        foreach ((string name, byte[] secret) in capture.Secrets)
        {
            foreach (string form in SecretForms.Of(secret))
            {
                all.Should().NotContain(form, $"no failure may show {name}");
            }
        }

        foreach ((_, string text) in CapturedConversation.Script)
        {
            all.Should().NotContain(text, "no failure may show a message's text");
        }

        texts.Should().HaveCountGreaterThan(500, "hundreds of refusals were read");
        output.WriteLine($"{texts.Count} failure texts ({texts.Distinct().Count()} distinct, {all.Length} characters) checked for {capture.Secrets.Count} secrets");
    }

    [Fact]
    public async Task DescriptionsOfTheSession_ShowNoSecret()
    {
        // The captured conversation's two sides again, with the same randomness: the same secrets, so the check can fail.
        CapturedConversation capture = fixture.Capture;
        (RecordingDuplexStream a, RecordingDuplexStream b) = RecordingDuplexStream.CreatePair([], []);
        using var initiatorPsk = Crypto.Secrets.Secret.Copy(capture.Psk);
        using var responderPsk = Crypto.Secrets.Secret.Copy(capture.Psk);
        (SecureSession initiator, SecureSession responder) = await SessionHarness.ConnectAsync(
            a, b, capture.Options(true, initiatorPsk, capture.InitiatorEntropy.Replay()), capture.Options(false, responderPsk, capture.ResponderEntropy.Replay()));
        await using (initiator)
        await using (responder)
        {
            await initiator.DisposeAsync(); // the responder fails: a truncation, whose description is checked too
            Drain.Result ended = await Drain.EventsAsync(responder);
            string shown = string.Join('\n', initiator.ToString(), responder.ToString(), initiator.Peer.ToString(), responder.Peer.ToString(),
                initiator.SafetyNumber.ToString(), capture.InitiatorKey.ToString(), capture.ResponderKey.ToString(), ended.Failure?.ToString(), responder.Failure?.ToString());
            ended.Failure.Should().NotBeNull("the session ended without a goodbye");
            foreach ((string name, byte[] secret) in capture.Secrets)
            {
                foreach (string form in SecretForms.Of(secret))
                {
                    shown.Should().NotContain(form, name);
                }
            }

            shown.Should().NotContainAny(["BEGIN", "PRIVATE"], "no description shows a private key");
        }
    }

    private static string Latin1(byte[] bytes) => Encoding.Latin1.GetString(bytes);
}

/// <summary>The spellings a secret or a text could take if it leaked: raw, hex, base64 in its variants, JSON-escaped.</summary>
internal static class SecretForms
{
    public static IEnumerable<string> Of(byte[] secret)
    {
        string base64 = Convert.ToBase64String(secret);
        yield return Encoding.Latin1.GetString(secret);
        yield return Convert.ToHexString(secret);
        yield return Convert.ToHexStringLower(secret);
        yield return base64;
        yield return base64.TrimEnd('=');
        yield return base64.TrimEnd('=').Replace('+', '-').Replace('/', '_');

        // A part of a key is a leak too: its first 16 bytes, in hex.
        if (secret.Length > 16)
        {
            yield return Convert.ToHexString(secret, 0, 16);
            yield return Convert.ToHexStringLower(secret, 0, 16);
        }
    }

    public static IEnumerable<string> OfText(string text)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        yield return Encoding.Latin1.GetString(utf8);
        string escaped = JsonSerializer.Serialize(text);
        yield return escaped[1..^1];
        yield return Convert.ToBase64String(utf8);
        yield return Convert.ToHexString(utf8);
        yield return Convert.ToHexStringLower(utf8);
    }
}
