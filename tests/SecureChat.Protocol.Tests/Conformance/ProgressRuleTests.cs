using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Session;
using static SecureChat.Protocol.Tests.Conformance.FileRuleTests;

namespace SecureChat.Protocol.Tests.Conformance;

/// <summary>
/// docs/protocol.md, "Files", progress (issue 20 item 6): a scripted Bob receives Alice's 10-byte file and
/// reports what he holds; Alice, the real sender, refuses every report the rules do not allow.
/// </summary>
public sealed class ProgressRuleTests
{
    private const string Accept = $$"""{"kind":"accept","file":1,"offset":0,"prefix":"{{Hash}}"}""";

    /// <summary>Bob's messages after Alice offered file 1 and (when <c>sent</c> &gt; 0) sent its first bytes.</summary>
    public static TheoryData<string, int, string[]> BrokenReports => new()
    {
        { "a `progress` for a file it is not sending (not accepted yet …)", 0, [Progress(1, 1)] },
        { "a `progress` for a file it is not sending (…; never offered)", 0, [Accept, Progress(2, 1)] },
        { "one whose `offset` is not above the previous `progress` of that transfer", 6, [Accept, Progress(1, 4), Progress(1, 4)] },
        { "one whose `offset` is not above the previous `progress` … (the first: at least 1)", 6, [Accept, Progress(1, 0)] },
        { "one above the bytes it has sent (so never above `size`)", 6, [Accept, Progress(1, 7)] },
        { "one above the bytes it has sent (so never above `size`), before any chunk", 0, [Accept, Progress(1, 1)] },
    };

    [Theory]
    [MemberData(nameof(BrokenReports))]
    public async Task Sender_ProgressBreaksARule_Violation(string rule, int sent, string[] messages)
    {
        (string? abort, Exception? failure, List<SessionEvent> events) = await PlayAsync(sent, messages, cancelFirst: false);
        failure.Should().BeOfType<ProtocolViolationException>(rule);
        abort.Should().Be("session-failed", rule);
        events.OfType<FileProgressConfirmed>().Where(p => p.Held == 7 || p.Held == 0).Should().BeEmpty(rule);
    }

    [Fact]
    public async Task Sender_ProgressMovingForward_EachReported()
    {
        (string? abort, Exception? failure, List<SessionEvent> events) = await PlayAsync(6, [Accept, Progress(1, 2), Progress(1, 6)], cancelFirst: false, sayBye: true);
        failure.Should().BeNull();
        abort.Should().BeNull();
        events.OfType<FileProgressConfirmed>().Select(p => (p.File, p.Held)).Should().Equal((1UL, 2L), (1UL, 6L));
    }

    [Fact]
    public async Task Sender_ProgressAfterOurCancel_Ignored()
    {
        // Rule: "A `progress` that crosses the sender's `cancel` is ignored."
        (string? abort, Exception? failure, List<SessionEvent> events) = await PlayAsync(6, [Accept, Progress(1, 6)], cancelFirst: true, sayBye: true);
        failure.Should().BeNull();
        abort.Should().BeNull();
        events.OfType<FileProgressConfirmed>().Should().BeEmpty();
    }

    /// <summary>Alice offers a 10-byte file; Bob answers with <paramref name="messages"/>, Alice sending <paramref name="sent"/> bytes once he accepted.</summary>
    private static Task<(string? Abort, Exception? Failure, List<SessionEvent> Events)> PlayAsync(int sent, string[] messages, bool cancelFirst, bool sayBye = false) =>
        ScriptRun.AgainstResponderAsync(
            async (bob, alice) =>
            {
                await bob.SendInnerAsync(Resume);
                await alice.OfferFileAsync("a", 10, Convert.FromBase64String(Hash));
                foreach (string message in messages)
                {
                    await bob.SendInnerAsync(message);
                    if (message == Accept && sent > 0)
                    {
                        await FileRuleTests.ReadUntilAsync(bob, "chunk"); // Alice's chunk: she had the accept
                        if (cancelFirst)
                        {
                            await alice.CancelFileAsync(1, "changed my mind");
                        }
                    }
                }
            },
            async (alice, e) =>
            {
                if (e is FileAccepted a && sent > 0)
                {
                    await alice.SendFileChunkAsync(a.File, 0, new byte[sent]);
                }
            },
            sayBye);

    private static string Progress(ulong file, long offset) => $$"""{"kind":"progress","file":{{file}},"offset":{{offset}}}""";
}
