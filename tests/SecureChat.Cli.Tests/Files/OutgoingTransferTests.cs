using SecureChat.Cli.Files;

namespace SecureChat.Cli.Tests.Files;

public sealed class OutgoingTransferTests
{
    [Fact]
    public void TryStartSending_SecondAcceptOfTheSameOffer_IsRefused()
    {
        using var transfer = new OutgoingTransfer("/tmp/a", "a", 10);
        transfer.Offered(7);

        transfer.TryStartSending().Should().BeTrue();
        transfer.TryStartSending().Should().BeFalse("one sender per offer");
        transfer.State.Should().Be(OutgoingState.Sending);
    }

    [Fact]
    public void TryStartSending_BeforeTheOffer_IsRefused()
    {
        using var transfer = new OutgoingTransfer("/tmp/a", "a", 10);

        transfer.TryStartSending().Should().BeFalse();
        transfer.State.Should().Be(OutgoingState.Hashing);
    }

    [Fact]
    public void Interrupt_WhileSending_ForgetsTheIdStopsTheSenderAndAllowsANewOffer()
    {
        using var transfer = new OutgoingTransfer("/tmp/a", "a", 10);
        transfer.Offered(7);
        transfer.TryStartSending();

        transfer.Interrupt();

        transfer.State.Should().Be(OutgoingState.Interrupted);
        transfer.Id.Should().BeNull();
        transfer.StopToken.IsCancellationRequested.Should().BeTrue();
        transfer.Restart();
        transfer.Offered(2);
        transfer.State.Should().Be(OutgoingState.Offered);
        transfer.Id.Should().Be(2UL);
        transfer.StopToken.IsCancellationRequested.Should().BeFalse();
    }

    [Fact]
    public void Finished_IsFinal()
    {
        using var transfer = new OutgoingTransfer("/tmp/a", "a", 10);
        transfer.Offered(1);
        transfer.Finish();

        transfer.Interrupt();
        transfer.Offered(2);

        transfer.State.Should().Be(OutgoingState.Finished);
        transfer.TryStartSending().Should().BeFalse();
    }
}
