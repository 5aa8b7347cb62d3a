using SecureChat.Cli.Chat;
using SecureChat.Cli.Views;
using SecureChat.Protocol.Errors;
using Terminal.Gui.Input;

namespace SecureChat.Cli.Tests.Views.Screen;

public sealed class ScreenInputTests
{
    [Fact]
    public void TypedLine_Enter_ReachesTheChatAndClearsTheField()
    {
        using var harness = new ScreenHarness();
        harness.Type("héllo 你好 👋🏽");
        harness.Press(Key.Enter);

        ScreenHarness.Within(harness.View.ReadLineAsync(CancellationToken.None), "the typed line").Should().Be("héllo 你好 👋🏽");
        harness.Screen.Input.Text.Should().BeEmpty();
    }

    [Theory]
    [InlineData("/quit", CommandVerb.Quit)]
    [InlineData("/help", CommandVerb.Help)]
    [InlineData("/send ./report.pdf", CommandVerb.Send)]
    [InlineData("/accept 2", CommandVerb.Accept)]
    [InlineData("/reject 1", CommandVerb.Reject)]
    [InlineData("/verify", CommandVerb.Verify)]
    [InlineData("/status", CommandVerb.Status)]
    [InlineData("/rekey", CommandVerb.Rekey)]
    [InlineData("/frobnicate", CommandVerb.Unknown)]
    public void SlashCommand_TypedOnTheScreen_ReachesTheCoreAsThatCommand(string typed, CommandVerb verb)
    {
        using var harness = new ScreenHarness();
        harness.Type(typed);
        harness.Press(Key.Enter);

        ChatInput? input = ScreenHarness.Within(new TerminalInput(harness.View).ReadAsync(CancellationToken.None), "the typed input");

        input.Should().BeOfType<CommandInput>().Which.Command.Verb.Should().Be(verb);
        ((CommandInput)input!).Command.Argument.Should().Be(typed.Contains(' ', StringComparison.Ordinal) ? typed[(typed.IndexOf(' ', StringComparison.Ordinal) + 1)..] : string.Empty);
    }

    [Fact]
    public void DoubleSlash_SendsALineStartingWithSlash()
    {
        using var harness = new ScreenHarness();
        harness.Type("//etc/hosts");
        harness.Press(Key.Enter);

        ScreenHarness.Within(new TerminalInput(harness.View).ReadAsync(CancellationToken.None), "the typed input").Should().Be(new TextInput("/etc/hosts"));
    }

    [Fact]
    public void History_UpAndDown_WalkTheLinesSentAndGiveBackTheDraft()
    {
        using var harness = new ScreenHarness();
        foreach (string line in new[] { "one", "two" })
        {
            harness.Type(line);
            harness.Press(Key.Enter);
        }

        harness.Type("dra");
        harness.Press(Key.CursorUp);
        harness.Screen.Input.Text.Should().Be("two");
        harness.Press(Key.CursorUp);
        harness.Screen.Input.Text.Should().Be("one");
        harness.Press(Key.CursorDown);
        harness.Press(Key.CursorDown);
        harness.Screen.Input.Text.Should().Be("dra");
    }

    [Fact]
    public void MultiLinePaste_IsSentAsOneMessageWithItsLineBreaks()
    {
        using var harness = new ScreenHarness();
        harness.Type("Look: ");
        harness.Paste("first line\r\nsecond line\nthird line\n");

        ScreenHarness.Within(harness.View.ReadLineAsync(CancellationToken.None), "the typed line").Should().Be("Look: first line\nsecond line\nthird line");
        harness.Screen.Input.Text.Should().BeEmpty();
    }

    [Fact]
    public void SingleLinePaste_GoesIntoTheField()
    {
        using var harness = new ScreenHarness();
        harness.Paste("just this");

        harness.Screen.Input.Text.Should().Be("just this");
    }

    [Fact]
    public void OwnMultiLineMessage_ShownAsRowsUnderItsText()
    {
        using var harness = new ScreenHarness();
        harness.View.Publish(new MessageShown(DateTimeOffset.Now, "Alice", "a\nb", Own: true));

        harness.Screen.Pane.Rows.Should().HaveCount(2);
        harness.Screen.Pane.Rows[1].Should().Be(new string(' ', 11) + "b");
    }

    [Fact]
    public void CtrlC_WithText_ClearsTheLineAndStays()
    {
        using var harness = new ScreenHarness();
        harness.Type("half a thought");
        harness.Press(Key.C.WithCtrl);

        harness.Screen.Input.Text.Should().BeEmpty();
        harness.View.Leaving.IsCancellationRequested.Should().BeFalse();
    }

    [Fact]
    public void CtrlC_OnAnEmptyLine_Leaves()
    {
        using var harness = new ScreenHarness();
        harness.Type("x");
        harness.Press(Key.C.WithCtrl);
        harness.Press(Key.C.WithCtrl);

        harness.View.Leaving.IsCancellationRequested.Should().BeTrue();
    }

    [Fact]
    public void Esc_DoesNotCloseTheScreen()
    {
        using var harness = new ScreenHarness();
        harness.Press(Key.Esc);

        harness.Screen.IsRunning.Should().BeTrue();
        harness.View.Leaving.IsCancellationRequested.Should().BeFalse();
    }

    [Fact]
    public void LinesTypedAfterADisconnect_AreKeptShownAsQueuedAndReadInOrder()
    {
        using var harness = new ScreenHarness(columns: 100);
        harness.View.ShowSession("Bob", "SHA256:0RxGpPx3ixOZ4G8kJCKsKE0XlSs+OkcjyQX+XuLPZHE", verified: true, "aes256cbc-hmacsha256");
        harness.View.Publish(new SessionFailed(new ConnectionLostException("the connection dropped"), "Bob"));
        harness.Type("are you there?");
        harness.Press(Key.Enter);
        harness.Type("hello?");
        harness.Press(Key.Enter);

        harness.Screen.StatusText.Should().Contain("disconnected").And.EndWith("│ 2 queued");
        ScreenHarness.Within(harness.View.ReadLineAsync(CancellationToken.None), "the typed line").Should().Be("are you there?");
        ScreenHarness.Within(harness.View.ReadLineAsync(CancellationToken.None), "the typed line").Should().Be("hello?");
        harness.Screen.StatusText.Should().NotContain("queued");
    }

    [Fact]
    public void LeavingLines_AreWrittenToTheTerminalWhenTheScreenCloses()
    {
        var harness = new ScreenHarness();
        harness.View.ShowSystem("before leaving");
        harness.View.Publish(new WeLeft());
        harness.View.Publish(new UndeliveredListed(["unconfirmed line"], UnreadInput.None));
        harness.Dispose();

        string written = harness.Afterwards.ToString();
        written.Should().Contain("You left the conversation.").And.Contain("unconfirmed line");
        written.Should().NotContain("before leaving", "the screen showed it; only what was said while leaving is repeated");
    }

    [Fact]
    public void PeerLeft_IsWrittenToTheTerminalWhenTheScreenCloses_SoTheUserSeesWhyTheAppEnded()
    {
        var harness = new ScreenHarness();
        harness.View.Publish(new PeerLeft("Bob"));
        harness.Dispose();

        harness.Afterwards.ToString().Should().Contain("* Bob left the conversation.");
    }
}
