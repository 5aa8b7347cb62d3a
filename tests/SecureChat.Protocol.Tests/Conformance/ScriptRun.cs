using System.Globalization;
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
/// payload, or <c>raw:</c> and hex bytes written as they are, or <c>chunk:FILE:OFFSET:LENGTH</c> (a real
/// chunk of zero bytes), or <c>binary:</c> and a hex plaintext sealed into a binary record frame.
/// </summary>
internal static class ScriptRun
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>Alice as User1 runs her: she resolves conversations, so she requires the initiator's resume.</summary>
    public static SessionOptions Responder(TimeSpan? peerTimeout = null, TimeSpan? frameTimeout = null) => new()
    {
        Identity = TestIdentities.Alice,
        Name = "alice",
        TrustPeer = SessionHarness.TrustAll,
        ResolveConversation = (_, id) => new Conversation(id.Span),
        PeerTimeout = peerTimeout ?? TimeSpan.FromSeconds(45),
        KeepaliveInterval = peerTimeout is { } p ? p / 3 : TimeSpan.FromSeconds(15),
        FrameTimeout = frameTimeout ?? TimeSpan.FromSeconds(10),
        HandshakeTimeout = SessionHarness.HandshakePatience,
    };

    /// <summary>
    /// A scripted Bob, whose <paramref name="play"/> may also read what Alice writes, against a real Alice
    /// whose application acts on each event with <paramref name="onEvent"/> (as User1 accepts or offers files).
    /// </summary>
    public static async Task<(string? Abort, Exception? Failure, List<SessionEvent> Events)> AgainstResponderAsync(
        Func<ScriptedPeer, SecureSession, Task> play, Func<SecureSession, SessionEvent, ValueTask>? onEvent, bool sayBye, SessionOptions? options = null)
    {
        (ScriptedPeer bob, SecureSession alice) = await ScriptedPeer.AgainstResponderAsync(options ?? Responder());
        await using (bob)
        {
            return await PlayAsync(bob, alice, session => play(bob, session), onEvent, sayBye);
        }
    }

    /// <summary>A scripted Bob against a real Alice; with <paramref name="sayBye"/> Bob ends with a goodbye.</summary>
    public static async Task<(string? Abort, Exception? Failure, List<SessionEvent> Events)> AgainstResponderAsync(IEnumerable<string> script, bool sayBye)
    {
        (ScriptedPeer bob, SecureSession alice) = await ScriptedPeer.AgainstResponderAsync(Responder());
        await using (bob)
        {
            return await PlayAsync(bob, alice, _ => SendAllAsync(bob, script), null, sayBye);
        }
    }

    /// <summary>A scripted Alice against a real Bob carrying <paramref name="conversation"/>.</summary>
    public static async Task<(string? Abort, Exception? Failure, List<SessionEvent> Events)> AgainstInitiatorAsync(Conversation conversation, IEnumerable<string> script, bool sayBye)
    {
        (ScriptedPeer alice, SecureSession bob) = await ScriptedPeer.AgainstInitiatorAsync(conversation);
        await using (alice)
        {
            return await PlayAsync(alice, bob, _ => SendAllAsync(alice, script), null, sayBye);
        }
    }

    private static async Task SendAllAsync(ScriptedPeer peer, IEnumerable<string> script)
    {
        foreach (string step in script)
        {
            await SendAsync(peer, step);
        }
    }

    private static async Task<(string? Abort, Exception? Failure, List<SessionEvent> Events)> PlayAsync(
        ScriptedPeer peer, SecureSession session, Func<SecureSession, Task> play, Func<SecureSession, SessionEvent, ValueTask>? onEvent, bool sayBye)
    {
        var events = new List<SessionEvent>();
        Task<Exception?> app = ActLikeTheAppsAsync(session, events, onEvent);
        await play(session);

        if (sayBye)
        {
            await peer.SendInnerAsync("""{"kind":"bye"}""");
        }

        string? abort = await peer.ReadAbortAsync().WaitAsync(Patience);
        return (abort, await app.WaitAsync(Patience), events);
    }

    /// <summary>Sends one step: an inner message as raw JSON, <c>frame:</c> and a frame's JSON payload, or <c>raw:</c> and hex bytes.</summary>
    public static Task SendAsync(ScriptedPeer peer, string step) => step switch
    {
        _ when step.StartsWith("raw:", StringComparison.Ordinal) => peer.SendRawAsync(Convert.FromHexString(step[4..])),
        _ when step.StartsWith("binary:", StringComparison.Ordinal) => peer.SendBinaryAsync(Convert.FromHexString(step[7..])),
        _ when step.StartsWith("chunk:", StringComparison.Ordinal) && step[6..].Split(':') is [string file, string offset, string length] =>
            peer.SendChunkAsync(ulong.Parse(file, CultureInfo.InvariantCulture), long.Parse(offset, CultureInfo.InvariantCulture), int.Parse(length, CultureInfo.InvariantCulture)),
        _ when step.StartsWith("frame:", StringComparison.Ordinal) => peer.SendRawAsync(FrameCodec.Encode(Encoding.UTF8.GetBytes(step[6..]))),
        _ => peer.SendInnerAsync(step),
    };

    /// <summary>What User1 and User2 do: wait for the conversation, read events, and close at once on a failure.</summary>
    private static async Task<Exception?> ActLikeTheAppsAsync(SecureSession session, List<SessionEvent> events, Func<SecureSession, SessionEvent, ValueTask>? onEvent)
    {
        Exception? failure = null;
        try
        {
            await session.WaitForConversationAsync();
            await foreach (SessionEvent e in session.ReadEventsAsync())
            {
                lock (events)
                {
                    events.Add(e);
                }

                if (onEvent is not null)
                {
                    await onEvent(session, e);
                }
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
