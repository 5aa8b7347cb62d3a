using SecureChat.Protocol.Errors;

namespace SecureChat.Cli.Chat;

/// <summary>How a conversation ended; the caller decides what it means for the exit code.</summary>
/// <param name="Failure">What ended the session, if it failed.</param>
/// <param name="Undelivered">What never reached the peer: unconfirmed and unsent messages, unread script lines (files: <see cref="UnfinishedFiles"/>).</param>
/// <param name="PeerLeft">Whether the peer said goodbye.</param>
/// <param name="WeLeft">Whether we ended it (end of input, /quit, Ctrl+C).</param>
public sealed record ChatOutcome(SessionException? Failure, IReadOnlyList<string> Undelivered, bool PeerLeft, bool WeLeft = false)
{
    /// <summary>Whether the user asked to leave (/quit, Ctrl+C): what is undelivered is then no failure of the chat.</summary>
    public bool Quit { get; init; }

    /// <summary>Files that did not arrive verified.</summary>
    public IReadOnlyList<UnfinishedFile> UnfinishedFiles { get; init; } = [];

    /// <summary>Whether anything never reached the peer.</summary>
    public bool AnythingUndelivered => Undelivered.Count > 0 || UnfinishedFiles.Count > 0;

    /// <summary>The connection dropped (not a failed check): the conversation can resume in a new session.</summary>
    public bool Reconnectable { get; init; }
}
