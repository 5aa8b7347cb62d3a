using SecureChat.Cli.Files;

namespace SecureChat.Cli.Tests.Files;

public sealed class IncomingTransferTests
{
    [Fact]
    public void StartReceiving_TwiceOrAfterTheEnd_IsRefused()
    {
        var offer = new IncomingTransfer(1, "key", "a.bin", "a.bin", 10, new byte[32]);
        offer.StartReceiving();

        Action again = offer.StartReceiving;
        again.Should().Throw<InvalidOperationException>("only an offer still waiting can be accepted");
        offer.End();
        again.Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void Interrupt_OnlyWhileReceiving_MakesItResumable()
    {
        var waiting = new IncomingTransfer(1, "key", "a.bin", "a.bin", 10, new byte[32]);
        waiting.Interrupt();
        waiting.State.Should().Be(IncomingState.Offered, "an offer never accepted does not resume unasked");

        var receiving = new IncomingTransfer(2, "key", "b.bin", "b.bin", 10, new byte[32]);
        receiving.StartReceiving();
        receiving.Interrupt();
        receiving.State.Should().Be(IncomingState.Interrupted);
    }
}
