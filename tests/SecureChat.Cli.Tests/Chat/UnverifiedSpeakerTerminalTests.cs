using SecureChat.Cli.Views.Line;

namespace SecureChat.Cli.Tests.Chat;

/// <summary>Issue 14: a new or once-trusted peer speaks under its name and a short fingerprint.</summary>
public sealed class UnverifiedSpeakerTerminalTests
{
    [Fact]
    public void ShowIncoming_UnverifiedPeer_NameCarriesTheShortFingerprint()
    {
        var screen = new FakeTerminal(interactive: true);
        string fingerprint = "SHA256:0RxGpPx3ixOZ4G8kJCKsKE0XlSs+OkcjyQX+XuLPZHE";
        var view = new UnverifiedSpeakerTerminal(screen, UnverifiedSpeakerTerminal.Shorten(fingerprint));

        view.ShowIncoming(DateTimeOffset.UnixEpoch, "Bob", "hi");
        view.ShowOwn(DateTimeOffset.UnixEpoch, "Alice", "hello");

        screen.Shown.Should().Equal("in Bob [SHA256:0RxGpPx3…]: hi", "me Alice: hello");
    }
}
