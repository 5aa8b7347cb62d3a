using SecureChat.Cli.Chat;
using SecureChat.Protocol.Errors;

namespace SecureChat.Cli.Tests.Chat;

/// <summary>Which endings a resumable conversation survives (issue 20 item 2).</summary>
public sealed class ChatLoopDropTests
{
    /// <summary>
    /// Regression (issue 20 item 2): User1's "gave up waiting" abort reached User2 after a 30 s blackout, and
    /// User2 with --reconnect exited 69 while User1 waited for it to come back.
    /// </summary>
    [Fact]
    public void IsDrop_PeersTimeoutAbortArrivingLate_IsADroppedConnection() =>
        ChatLoop.IsDrop(new PeerAbortedException(AbortReason.Timeout)).Should().BeTrue();

    [Fact]
    public void IsDrop_LostConnectionOrSilentPeer_IsADroppedConnection()
    {
        ChatLoop.IsDrop(new ConnectionLostException("reset")).Should().BeTrue();
        ChatLoop.IsDrop(new SessionTimeoutException("silent")).Should().BeTrue();
    }

    [Theory]
    [InlineData(AbortReason.SessionFailed)]
    [InlineData(AbortReason.Refused)]
    [InlineData(AbortReason.HandshakeFailed)]
    public void IsDrop_PeersAbortForAFailedCheck_EndsTheConversation(AbortReason reason) =>
        ChatLoop.IsDrop(new PeerAbortedException(reason)).Should().BeFalse("a failed check may be an attack: never retried");

    [Fact]
    public void IsDrop_IntegrityFailureOrNoFailure_EndsTheConversation()
    {
        ChatLoop.IsDrop(new IntegrityException("tampered")).Should().BeFalse();
        ChatLoop.IsDrop(null).Should().BeFalse();
    }
}
