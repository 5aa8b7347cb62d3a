using SecureChat.Cli.Views.Screen;
using Terminal.Gui.Input;

namespace SecureChat.Cli.Tests.Views.Screen;

public sealed class TrustDialogTests
{
    private static readonly TrustQuestion FirstContact = new(
        "Bob", "SHA256:0RxGpPx3ixOZ4G8kJCKsKE0XlSs+OkcjyQX+XuLPZHE", "55655 06399 85217 50520 74777 69211 73667 45342 36638 27057 38952 32412", IsKeyChange: false);

    [Fact]
    public void Dialog_ShowsTheNameFingerprintAndSafetyNumber()
    {
        using var harness = new ScreenHarness(columns: 100, rows: 20);
        _ = harness.View.AskAsync(FirstContact, CancellationToken.None);
        harness.Draw();

        string screen = string.Join('\n', harness.Rows());
        screen.Should().Contain("First contact with \"Bob\".");
        screen.Should().Contain("SHA256:0RxGpPx3ixOZ4G8kJCKsKE0XlSs+OkcjyQX+XuLPZHE");
        screen.Should().Contain("55655 06399 85217 50520 74777 69211 73667 45342 36638 27057 38952 32412");
    }

    [Fact]
    public void KeyChange_SaysTheKeyIsDifferent()
    {
        using var harness = new ScreenHarness(columns: 100, rows: 20);
        _ = harness.View.AskAsync(FirstContact with { IsKeyChange = true }, CancellationToken.None);
        harness.Draw();

        string.Join('\n', harness.Rows()).Should().Contain("\"Bob\" now presents a DIFFERENT key.");
    }

    [Theory]
    [InlineData(TrustChoice.Trust)]
    [InlineData(TrustChoice.Once)]
    [InlineData(TrustChoice.Refuse)]
    public async Task Button_Pressed_AnswersThatChoiceAndClosesTheBox(TrustChoice choice)
    {
        Task<TrustChoice> answer;
        using (var harness = new ScreenHarness(columns: 100, rows: 20))
        {
            answer = harness.View.AskAsync(FirstContact, CancellationToken.None);
            TrustDialog dialog = harness.Screen.Question!;
            (choice switch { TrustChoice.Trust => dialog.Yes, TrustChoice.Once => dialog.Once, _ => dialog.No }).SetFocus();
            harness.Press(Key.Enter);

            dialog.Answer.IsCompleted.Should().BeTrue("the box answers as the button is pressed");
            (await dialog.Answer).Should().Be(choice);
            harness.Screen.Question.Should().BeNull();
            harness.Screen.SubViews.Should().NotContain(dialog);
            harness.Screen.Input.HasFocus.Should().BeTrue("typing goes back to the input line");
        }

        (await answer).Should().Be(choice, "the asker gets the same answer");
    }

    [Fact]
    public async Task Enter_WithoutChoosing_Refuses()
    {
        using var harness = new ScreenHarness(columns: 100, rows: 20);
        _ = harness.View.AskAsync(FirstContact, CancellationToken.None);
        TrustDialog dialog = harness.Screen.Question!;
        harness.Press(Key.Enter);

        dialog.Answer.IsCompleted.Should().BeTrue();
        (await dialog.Answer).Should().Be(TrustChoice.Refuse, "the safe answer is the one a stray Enter gives");
    }

    [Fact]
    public async Task CallerLeft_QuestionWithdrawn_RefusesAndTheBoxClosesItself()
    {
        Task<TrustChoice> answer;
        using (var harness = new ScreenHarness(columns: 100, rows: 20))
        {
            using var callerLeft = new CancellationTokenSource();
            answer = harness.View.AskAsync(FirstContact, callerLeft.Token);
            TrustDialog dialog = harness.Screen.Question!;

            callerLeft.Cancel(); // the withdrawal runs on this thread, the UI thread of these tests

            dialog.Answer.IsCompleted.Should().BeTrue();
            (await dialog.Answer).Should().Be(TrustChoice.Refuse);
            harness.Screen.Question.Should().BeNull();
            harness.Screen.SubViews.Should().NotContain(dialog);
        }

        (await answer).Should().Be(TrustChoice.Refuse);
    }

    [Fact]
    public void TypedKeys_WhileTheBoxAsks_DoNotReachTheInputLine()
    {
        using var harness = new ScreenHarness(columns: 100, rows: 20);
        _ = harness.View.AskAsync(FirstContact, CancellationToken.None);
        harness.Type("x");

        harness.Screen.Input.Text.Should().BeEmpty();
    }

    [Theory(Skip = "Hangs intermittently in CI (two of six runs): the answer sometimes never reaches the read, and the wait's timeout cannot fire under Terminal.Gui's unpumped synchronization context. Issue 17 stays open for it.")]
    [InlineData(TrustChoice.Trust, "yes")]
    [InlineData(TrustChoice.Once, "once")]
    [InlineData(TrustChoice.Refuse, "no")]
    public async Task CoreAsks_BoxAnswered_TheAnswerReachesTheCoreAsTypedInput(TrustChoice choice, string typed)
    {
        using var harness = new ScreenHarness(columns: 100, rows: 20);
        harness.View.Publish(new SecureChat.Cli.Chat.TrustQuestionAsked("Bob", FirstContact.Fingerprint, FirstContact.SafetyNumber));
        TrustDialog dialog = harness.Screen.Question!;
        dialog.Should().NotBeNull("the core's question opens the box");
        (choice switch { TrustChoice.Trust => dialog.Yes, TrustChoice.Once => dialog.Once, _ => dialog.No }).SetFocus();
        harness.Press(Key.Enter);

        (await harness.View.ReadLineAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30))).Should().Be(typed);
    }

    [Fact]
    public async Task CoreWithdrawsTheQuestion_BoxClosesItself_AndAnswersNothing()
    {
        using var harness = new ScreenHarness(columns: 100, rows: 20);
        harness.View.Publish(new SecureChat.Cli.Chat.TrustQuestionAsked("Bob", FirstContact.Fingerprint, FirstContact.SafetyNumber));
        TrustDialog dialog = harness.Screen.Question!;
        harness.View.Publish(new SecureChat.Cli.Chat.TrustQuestionWithdrawn("Bob"));

        harness.Screen.Question.Should().BeNull();
        harness.Screen.SubViews.Should().NotContain(dialog);
        harness.Type("after");
        harness.Press(Key.Enter);
        (await harness.View.ReadLineAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30))).Should().Be("after", "a withdrawn question's box types no answer");
    }

    [Fact]
    public void CoreAwaitsThePeersConfirmation_StatusSaysSoUntilConnected()
    {
        using var harness = new ScreenHarness(columns: 100, rows: 20);
        harness.View.Publish(new SecureChat.Cli.Chat.AwaitingPeerConfirmation("Alice"));
        harness.Screen.StatusText.Should().Contain("waiting for Alice to confirm");

        harness.View.Publish(new SecureChat.Cli.Chat.Connected("Alice", FirstContact.Fingerprint));
        harness.Screen.StatusText.Should().NotContain("waiting for Alice to confirm");
    }
}
