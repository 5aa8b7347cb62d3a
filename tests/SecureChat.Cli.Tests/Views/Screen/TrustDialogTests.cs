using SecureChat.Cli.Chat;
using SecureChat.Cli.Trust;
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
    public void Button_Pressed_AnswersThatChoiceAndClosesTheBox(TrustChoice choice)
    {
        Task<TrustChoice> answer;
        using (var harness = new ScreenHarness(columns: 100, rows: 20))
        {
            answer = harness.View.AskAsync(FirstContact, CancellationToken.None);
            TrustDialog dialog = harness.Screen.Question!;
            (choice switch { TrustChoice.Trust => dialog.Yes, TrustChoice.Once => dialog.Once, _ => dialog.No }).SetFocus();
            harness.Press(Key.Enter);

            dialog.Answer.IsCompleted.Should().BeTrue("the box answers as the button is pressed");
            ScreenHarness.Within(dialog.Answer, "the box's answer").Should().Be(choice);
            harness.Screen.Question.Should().BeNull();
            harness.Screen.SubViews.Should().NotContain(dialog);
            harness.Screen.Input.HasFocus.Should().BeTrue("typing goes back to the input line");
        }

        ScreenHarness.Within(answer, "the asker's answer").Should().Be(choice, "the asker gets the same answer");
    }

    [Fact]
    public void Enter_WithoutChoosing_Refuses()
    {
        using var harness = new ScreenHarness(columns: 100, rows: 20);
        _ = harness.View.AskAsync(FirstContact, CancellationToken.None);
        TrustDialog dialog = harness.Screen.Question!;
        harness.Press(Key.Enter);

        dialog.Answer.IsCompleted.Should().BeTrue();
        ScreenHarness.Within(dialog.Answer, "the box's answer").Should().Be(TrustChoice.Refuse, "the safe answer is the one a stray Enter gives");
    }

    [Fact]
    public void CallerLeft_QuestionWithdrawn_RefusesAndTheBoxClosesItself()
    {
        Task<TrustChoice> answer;
        using (var harness = new ScreenHarness(columns: 100, rows: 20))
        {
            using var callerLeft = new CancellationTokenSource();
            answer = harness.View.AskAsync(FirstContact, callerLeft.Token);
            TrustDialog dialog = harness.Screen.Question!;

            callerLeft.Cancel(); // the withdrawal runs on this thread, the UI thread of these tests

            dialog.Answer.IsCompleted.Should().BeTrue();
            ScreenHarness.Within(dialog.Answer, "the box's answer").Should().Be(TrustChoice.Refuse);
            harness.Screen.Question.Should().BeNull();
            harness.Screen.SubViews.Should().NotContain(dialog);
        }

        ScreenHarness.Within(answer, "the asker's answer").Should().Be(TrustChoice.Refuse);
    }

    [Fact]
    public void TypedKeys_WhileTheBoxAsks_DoNotReachTheInputLine()
    {
        using var harness = new ScreenHarness(columns: 100, rows: 20);
        _ = harness.View.AskAsync(FirstContact, CancellationToken.None);
        harness.Type("x");

        harness.Screen.Input.Text.Should().BeEmpty();
    }

    [Fact]
    public void CoreAsks_ThePaneSaysToAnswerInTheBox_NotToTypeAWord()
    {
        using var harness = new ScreenHarness(columns: 100, rows: 20);
        harness.View.Publish(new TrustQuestionAsked("Bob", FirstContact.Fingerprint, FirstContact.SafetyNumber));

        string[] pane = [.. harness.Screen.Pane.Lines.Select(line => line.Text)];
        pane.Should().Contain("First contact with \"Bob\".").And.Contain("  Safety number: " + FirstContact.SafetyNumber);
        pane.Should().Contain(line => line.Contains("answer in the box: Y to trust and remember, O for this time only, N to refuse", StringComparison.Ordinal));
        pane.Should().NotContain(line => line.Contains("Type yes", StringComparison.Ordinal), "on the screen the box takes the answer, not a typed line");
    }

    [Theory]
    [InlineData(TrustChoice.Trust, TrustAnswer.Accept)]
    [InlineData(TrustChoice.Once, TrustAnswer.Once)]
    [InlineData(TrustChoice.Refuse, TrustAnswer.Refuse)]
    public void CoreAsks_BoxAnswered_TheAnswerReachesTheCoreAsATrustReply(TrustChoice choice, TrustAnswer expected)
    {
        using var harness = new ScreenHarness(columns: 100, rows: 20);
        harness.View.Publish(new TrustQuestionAsked("Bob", FirstContact.Fingerprint, FirstContact.SafetyNumber));
        TrustDialog dialog = harness.Screen.Question!;
        dialog.Should().NotBeNull("the core's question opens the box");
        Task<ChatInput?> read = harness.View.ReadAsync(CancellationToken.None); // the core waits for its answer
        (choice switch { TrustChoice.Trust => dialog.Yes, TrustChoice.Once => dialog.Once, _ => dialog.No }).SetFocus();
        harness.Press(Key.Enter);

        ScreenHarness.Within(read, "the box's answer to reach the core's read").Should().Be(new TrustReply(expected), "the box answers as itself, not as a typed word");
    }

    [Fact]
    public void CoreDropsTypedAheadLines_AfterTheBoxAnswered_TheAnswerStillReachesTheCore()
    {
        using var harness = new ScreenHarness(columns: 100, rows: 20);
        harness.Type("typed before the question");
        harness.Press(Key.Enter);
        harness.View.Publish(new TrustQuestionAsked("Bob", FirstContact.Fingerprint, FirstContact.SafetyNumber));
        harness.Screen.Question!.Once.SetFocus();
        harness.Press(Key.Enter); // answered before the core got round to dropping what was typed ahead

        harness.View.DiscardPendingInput();

        ScreenHarness.Within(harness.View.ReadAsync(CancellationToken.None), "the answer").Should().Be(new TrustReply(TrustAnswer.Once));
        harness.Screen.StatusText.Should().NotContain("queued", "the line typed ahead was dropped");
    }

    [Fact]
    public void QuestionWithdrawn_AfterTheBoxAnswered_TheLateAnswerAnswersNothingLater()
    {
        using var harness = new ScreenHarness(columns: 100, rows: 20);
        harness.View.Publish(new TrustQuestionAsked("Bob", FirstContact.Fingerprint, FirstContact.SafetyNumber));
        harness.Screen.Question!.Yes.SetFocus();
        harness.Press(Key.Enter); // pressed just as the caller left: the core stopped reading for it
        harness.View.Publish(new TrustQuestionWithdrawn("Bob"));
        harness.View.Publish(new TrustQuestionAsked("Carol", FirstContact.Fingerprint, FirstContact.SafetyNumber));
        harness.Screen.Question!.No.SetFocus();
        harness.Press(Key.Enter);

        ScreenHarness.Within(harness.View.ReadAsync(CancellationToken.None), "the answer to the second question")
            .Should().Be(new TrustReply(TrustAnswer.Refuse), "Bob's Yes must not let Carol in");
    }

    [Fact]
    public void CoreWithdrawsTheQuestion_BoxClosesItself_AndAnswersNothing()
    {
        using var harness = new ScreenHarness(columns: 100, rows: 20);
        harness.View.Publish(new TrustQuestionAsked("Bob", FirstContact.Fingerprint, FirstContact.SafetyNumber));
        TrustDialog dialog = harness.Screen.Question!;
        harness.View.Publish(new TrustQuestionWithdrawn("Bob"));

        harness.Screen.Question.Should().BeNull();
        harness.Screen.SubViews.Should().NotContain(dialog);
        harness.Type("after");
        harness.Press(Key.Enter);
        ScreenHarness.Within(harness.View.ReadAsync(CancellationToken.None), "the typed line")
            .Should().Be(new TextInput("after"), "a withdrawn question's box answers nothing");
    }

    [Fact]
    public void CoreAwaitsThePeersConfirmation_StatusSaysSoUntilConnected()
    {
        using var harness = new ScreenHarness(columns: 100, rows: 20);
        harness.View.Publish(new AwaitingPeerConfirmation("Alice"));
        harness.Screen.StatusText.Should().Contain("waiting for Alice to confirm");

        harness.View.Publish(new Connected("Alice", FirstContact.Fingerprint));
        harness.Screen.StatusText.Should().NotContain("waiting for Alice to confirm");
    }
}
