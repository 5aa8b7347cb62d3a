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
    public void Classify_EachFailureClass_HasItsDocumentedCode(Exception failure, int expected)
    {
        Failures.Classify(failure).ExitCode.Should().Be(expected);
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

/// <summary>Issue 16 item 3: Classify is the one place exit codes are chosen; what no layer documents is our defect.</summary>
public sealed class FailuresClassifyTests
{
    [Fact]
    public void Classify_ExceptionNoLayerDocuments_IsOurDefect_Exit70AskingForAReport()
    {
        Failure failure = Failures.Classify(new InvalidOperationException("a defect for the test"), "alice");

        failure.ExitCode.Should().Be(ExitCode.InternalError);
        failure.Retryable.Should().BeFalse();
        failure.Sentence.Should().Contain("defect in SecureChat").And.Contain("please report").And.Contain("a defect for the test");
    }

    [Theory]
    [InlineData(AbortReason.Busy, true)]
    [InlineData(AbortReason.Timeout, true)]
    [InlineData(AbortReason.Refused, false)]
    public void Classify_PeerAborted_RetryableOnlyWhenAnotherAttemptCouldSucceed(AbortReason reason, bool retryable)
    {
        Failures.Classify(new PeerAbortedException(reason)).Retryable.Should().Be(retryable);
    }

    [Fact]
    public void Classify_TransportFailures_AreRetryable_ChecksAreNot()
    {
        Failures.Classify(new ConnectionLostException()).Retryable.Should().BeTrue();
        Failures.Classify(new SessionTimeoutException()).Retryable.Should().BeTrue();
        Failures.Classify(new SecureChat.Cli.Network.UnreachableException("nobody")).Should().Be(new Failure(ExitCode.ConnectionFailed, true, "nobody"));
        Failures.Classify(new IntegrityException()).Retryable.Should().BeFalse();
        Failures.Classify(new IdentityRefusedException()).Retryable.Should().BeFalse();
    }

    [Fact]
    public void Classify_SettingsThatCannotBeUsed_Exit78WithTheirOwnMessage()
    {
        Failures.Classify(new ConfigurationException("fix this")).Should().Be(new Failure(ExitCode.Configuration, false, "fix this"));
        Failures.Classify(new SecureChat.Cli.Trust.KnownPeersException("line 3")).ExitCode.Should().Be(ExitCode.Configuration);
        Failures.Classify(new SecureChat.Cli.Commands.UsageException("no such peer")).ExitCode.Should().Be(ExitCode.Usage);
    }

    [Fact]
    public void Classify_CtrlC_IsSuccess()
    {
        Failures.Classify(new OperationCanceledException()).ExitCode.Should().Be(ExitCode.Success);
    }

    [Theory]
    [InlineData(false, false, ExitCode.Success)]
    [InlineData(true, false, ExitCode.Undelivered)]
    [InlineData(true, true, ExitCode.Success)]
    public void ForEnding_NoFailure_UndeliveredExits75UnlessTheUserStopped(bool undelivered, bool stopped, int expected)
    {
        Failures.ForEnding(null, undelivered, stopped).Should().Be(expected);
    }

    [Fact]
    public void ForEnding_Failure_WinsOverUndelivered()
    {
        Failures.ForEnding(new IntegrityException(), undelivered: true).Should().Be(ExitCode.AuthenticationFailed);
        Failures.WithUndelivered(ExitCode.ProtocolError, stoppedByUser: false).Should().Be(ExitCode.ProtocolError);
        Failures.WithUndelivered(ExitCode.Success, stoppedByUser: false).Should().Be(ExitCode.Undelivered);
    }
}
