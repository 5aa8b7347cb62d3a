using System.Text.RegularExpressions;

namespace SecureChat.EndToEnd.Tests.Harness;

/// <summary>A test class that starts apps: one sandbox per test, and the steps most tests share.</summary>
public abstract class EndToEndTest : IDisposable
{
    /// <summary>How long a receipt wait at the end of input may take (--wait), well under the test timeouts.</summary>
    protected const string ReceiptWait = "5";

    /// <summary>Creates the sandbox, logging to <paramref name="output"/>.</summary>
    protected EndToEndTest(ITestOutputHelper output) => Sandbox = new ChatSandbox(output);

    /// <summary>This test's homes, ports and processes.</summary>
    protected ChatSandbox Sandbox { get; }

    /// <summary>Kills what still runs and deletes the homes.</summary>
    public void Dispose()
    {
        Sandbox.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Whether <paramref name="line"/> is exactly a received message <c>HH:mm:ss name: text</c>.</summary>
    protected static bool IsMessage(string line, string name, string text) =>
        Regex.IsMatch(line, $"^[0-2][0-9]:[0-5][0-9]:[0-5][0-9] {Regex.Escape(name)}: {Regex.Escape(text)}$");

    /// <summary>Waits until both sides say they are connected.</summary>
    protected static async Task BothConnectedAsync(ChatProcess user1, ChatProcess user2)
    {
        await user1.WaitForStderrAsync("Connected to");
        await user2.WaitForStderrAsync("Connected to");
    }

    /// <summary>Each side sends one line and sees the other's; then both inputs end and both must exit 0.</summary>
    protected static async Task ChatAndEndAsync(ChatProcess user1, ChatProcess user2, string user1Name = "User1", string user2Name = "User2")
    {
        string fromUser1 = $"hello from {user1Name} {Guid.NewGuid():N}";
        string fromUser2 = $"hello from {user2Name} {Guid.NewGuid():N}";
        await BothConnectedAsync(user1, user2);
        await user1.WriteLineAsync(fromUser1);
        await user2.WriteLineAsync(fromUser2);
        await user2.WaitForStdoutAsync(line => IsMessage(line, user1Name, fromUser1), $"{user1Name}'s message");
        await user1.WaitForStdoutAsync(line => IsMessage(line, user2Name, fromUser2), $"{user2Name}'s message");
        user1.CloseInput();
        user2.CloseInput();
        (await user2.WaitForExitAsync()).Should().Be(0, user2.Transcript);
        (await user1.WaitForExitAsync()).Should().Be(0, user1.Transcript);
    }
}
