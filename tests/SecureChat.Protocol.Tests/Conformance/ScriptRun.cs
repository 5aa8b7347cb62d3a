using System.Text;
using SecureChat.Protocol.Errors;
using SecureChat.Protocol.Framing;
using SecureChat.Protocol.Session;
using SecureChat.Protocol.Tests.Infrastructure;

namespace SecureChat.Protocol.Tests.Conformance;

/// <summary>
/// Plays a script of steps from a <see cref="ScriptedPeer"/> against a real session that behaves as the
/// apps do (it waits for the conversation, reads every event, and closes the moment it fails), and
/// reports what came back. A step is an inner message as raw JSON, or <c>frame:</c> and a frame's JSON
/// payload, or <c>raw:</c> and hex bytes written as they are.
/// </summary>
internal static class ScriptRun
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>Alice as User1 runs her: she resolves conversations, so she requires the initiator's resume.</summary>
    public static SessionOptions Responder() => new()
    {
        Identity = TestIdentities.Alice,
        Name = "alice",
        TrustPeer = SessionHarness.TrustAll,
        ResolveConversation = (_, id) => new Conversation(id.Span),
    };

    /// <summary>A scripted Bob against a real Alice; with <paramref name="sayBye"/> Bob ends with a goodbye.</summary>
    public static async Task<(string? Abort, Exception? Failure, List<SessionEvent> Events)> AgainstResponderAsync(IEnumerable<string> script, bool sayBye)
    {
        (ScriptedPeer bob, SecureSession alice) = await ScriptedPeer.AgainstResponderAsync(Responder());
        await using (bob)
        {
            return await PlayAsync(bob, alice, script, sayBye);
        }
    }

    /// <summary>A scripted Alice against a real Bob carrying <paramref name="conversation"/>.</summary>
    public static async Task<(string? Abort, Exception? Failure, List<SessionEvent> Events)> AgainstInitiatorAsync(Conversation conversation, IEnumerable<string> script, bool sayBye)
    {
        (ScriptedPeer alice, SecureSession bob) = await ScriptedPeer.AgainstInitiatorAsync(conversation);
        await using (alice)
        {
            return await PlayAsync(alice, bob, script, sayBye);
        }
    }

    private static async Task<(string? Abort, Exception? Failure, List<SessionEvent> Events)> PlayAsync(ScriptedPeer peer, SecureSession session, IEnumerable<string> script, bool sayBye)
    {
        var events = new List<SessionEvent>();
        Task<Exception?> app = ActLikeTheAppsAsync(session, events);
        foreach (string step in script)
        {
            await SendAsync(peer, step);
        }

        if (sayBye)
        {
            await peer.SendInnerAsync("""{"kind":"bye"}""");
        }

        string? abort = await peer.ReadAbortAsync().WaitAsync(Patience);
        return (abort, await app.WaitAsync(Patience), events);
    }

    private static Task SendAsync(ScriptedPeer peer, string step) => step switch
    {
        _ when step.StartsWith("raw:", StringComparison.Ordinal) => peer.SendRawAsync(Convert.FromHexString(step[4..])),
        _ when step.StartsWith("frame:", StringComparison.Ordinal) => peer.SendRawAsync(FrameCodec.Encode(Encoding.UTF8.GetBytes(step[6..]))),
        _ => peer.SendInnerAsync(step),
    };

    /// <summary>What User1 and User2 do: wait for the conversation, read events, and close at once on a failure.</summary>
    private static async Task<Exception?> ActLikeTheAppsAsync(SecureSession session, List<SessionEvent> events)
    {
        Exception? failure = null;
        try
        {
            await session.WaitForConversationAsync();
            await foreach (SessionEvent e in session.ReadEventsAsync())
            {
                events.Add(e);
            }
        }
        catch (SessionException e)
        {
            failure = e;
        }

        await session.DisposeAsync();
        return failure;
    }
}
