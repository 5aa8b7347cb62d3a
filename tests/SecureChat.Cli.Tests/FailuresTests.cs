using SecureChat.Protocol.Errors;

namespace SecureChat.Cli.Tests;

public sealed class FailuresTests
{
    public static TheoryData<Exception, int> Cases => new()
    {
        { new IntegrityException(), ExitCode.AuthenticationFailed },
        { new IdentityRefusedException(), ExitCode.AuthenticationFailed },
        { new PeerAbortedException(AbortReason.Refused), ExitCode.AuthenticationFailed },
        { new PeerAbortedException(AbortReason.HandshakeFailed), ExitCode.AuthenticationFailed },
        { new PeerAbortedException(AbortReason.Busy), ExitCode.ConnectionFailed },
        { new ProtocolViolationException(), ExitCode.ProtocolError },
        { new SessionTimeoutException(), ExitCode.ConnectionFailed },
        { new ConnectionLostException(), ExitCode.ConnectionFailed },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ExitCodeFor_EachFailureClass_HasItsDocumentedCode(Exception failure, int expected)
    {
        Failures.ExitCodeFor(failure).Should().Be(expected);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Describe_EachFailureClass_IsOnePlainSentenceWithoutAStackTrace(Exception failure, int expected)
    {
        _ = expected;
        string sentence = Failures.Describe(failure, "alice");

        sentence.Should().NotContain(" at SecureChat").And.NotContain("Exception");
        sentence.Should().NotBeNullOrWhiteSpace();
    }
}
