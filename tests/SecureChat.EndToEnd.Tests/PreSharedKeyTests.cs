using System.Text;
using SecureChat.EndToEnd.Tests.Harness;

namespace SecureChat.EndToEnd.Tests;

[Collection(ProcessTests.Name)]
public sealed class PreSharedKeyTests(ITestOutputHelper output) : EndToEndTest(output)
{
    private const string Variable = "SECURECHAT_E2E_PSK";

    // Strong PSKs, as 'key psk' prints them: a passphrase of a few words is now refused at start-up (issue 14).
    private const string OnePsk = "3f8e2c1d9b7a6054e3d2c1b0a99887766554433221100ffeeddccbbaa9988776";
    private const string OtherPsk = "c4a1f0e9d8b7a6958473625140f1e2d3c4b5a69788796a5b4c3d2e1f00112233";

    [Fact]
    public async Task PreSharedKey_DifferentOnEachSide_ConnectorExits77AndListenerKeepsListening()
    {
        int port = ChatSandbox.FreePort();
        ChatProcess user1 = await Sandbox.StartListenerAsync(port, Sandbox.NewHome("user1"), ["--once", "--psk-env", Variable, "--wait", ReceiptWait], Psk(OnePsk));

        ChatProcess user2 = Sandbox.StartConnector(port, Sandbox.NewHome("user2"), ["--psk-env", Variable, "--wait", ReceiptWait], Psk(OtherPsk));
        int exit = await user2.WaitForExitAsync();

        exit.Should().Be(77, user2.Transcript);
        user2.Stdout.Should().BeEmpty();
        await user1.WaitForStderrAsync("failed the handshake and was dropped");
        user1.Stdout.Should().BeEmpty();
        await user1.ShouldStillRunAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task PreSharedKey_SameOnBothSides_Chats()
    {
        int port = ChatSandbox.FreePort();
        ChatProcess user1 = await Sandbox.StartListenerAsync(port, Sandbox.NewHome("user1"), ["--once", "--psk-env", Variable, "--wait", ReceiptWait], Psk(OnePsk));

        ChatProcess user2 = Sandbox.StartConnector(port, Sandbox.NewHome("user2"), ["--psk-env", Variable, "--wait", ReceiptWait], Psk(OnePsk));

        await ChatAndEndAsync(user1, user2);
    }

    [Fact]
    public async Task Secrets_TraceLoggingWithAPsk_NeverShowThePskAndShowMessagesOnlyAsThePeersStdoutLines()
    {
        string psk = "psk-" + Guid.NewGuid().ToString("N");
        string[] fromUser1 = ["user1 secret one " + Guid.NewGuid().ToString("N"), "user1 secret two " + Guid.NewGuid().ToString("N")];
        string[] fromUser2 = ["user2 secret one " + Guid.NewGuid().ToString("N"), "user2 secret two " + Guid.NewGuid().ToString("N")];
        int port = ChatSandbox.FreePort();
        ChatProcess user1 = await Sandbox.StartListenerAsync(port, Sandbox.NewHome("user1"), ["--once", "--psk-env", Variable, "--verbosity", "trace", "--wait", ReceiptWait], Psk(psk));
        ChatProcess user2 = Sandbox.StartConnector(port, Sandbox.NewHome("user2"), ["--psk-env", Variable, "--verbosity", "trace", "--wait", ReceiptWait], Psk(psk));
        await BothConnectedAsync(user1, user2);

        foreach ((string a, string b) in fromUser1.Zip(fromUser2))
        {
            await user1.WriteLineAsync(a);
            await user2.WriteLineAsync(b);
        }

        await user1.WaitForStdoutLinesAsync(2);
        await user2.WaitForStdoutLinesAsync(2);
        user1.CloseInput();
        user2.CloseInput();
        (await user1.WaitForExitAsync()).Should().Be(0, user1.Transcript);
        (await user2.WaitForExitAsync()).Should().Be(0, user2.Transcript);

        user1.StderrText.Should().Contain("dbug:", "trace logging was on (the apps log nothing below debug)");
        string[] pskForms = [psk, Base64(psk), Convert.ToHexString(Encoding.UTF8.GetBytes(psk)), Convert.ToHexStringLower(Encoding.UTF8.GetBytes(psk))];
        foreach (ChatProcess process in new[] { user1, user2 })
        {
            string everything = process.StdoutText + "\n" + process.StderrText;
            foreach (string form in pskForms)
            {
                everything.Should().NotContain(form, $"{process.Label} must never show the pre-shared key");
            }

            foreach (string text in fromUser1.Concat(fromUser2))
            {
                everything.Should().NotContain(Base64(text), $"{process.Label} must never show a message's bytes");
                process.StderrText.Should().NotContain(text, $"{process.Label} must keep message text off stderr, even at trace level");
            }
        }

        user1.Stdout.Should().HaveCount(2).And.OnlyContain(line => fromUser2.Any(text => IsMessage(line, "User2", text)));
        user2.Stdout.Should().HaveCount(2).And.OnlyContain(line => fromUser1.Any(text => IsMessage(line, "User1", text)));
    }

    private static Dictionary<string, string> Psk(string value) => new() { [Variable] = value };

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
