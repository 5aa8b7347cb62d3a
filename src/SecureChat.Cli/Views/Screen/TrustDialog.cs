// First contact or a changed key, asked in a box over the conversation: the peer's name, fingerprint and
// safety number, and three answers. It is a component, not a modal loop: it takes a question, shows it,
// and its Answer task completes with the choice, or with Refuse when it is withdrawn because the caller
// left. Until the chat core asks its trust question as an event, TrustQuestion is the screen's own record.
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace SecureChat.Cli.Views.Screen;

/// <summary>What the user is asked about a peer.</summary>
/// <param name="Name">The name the peer gave (a label, not its identity).</param>
/// <param name="Fingerprint">The peer's key fingerprint.</param>
/// <param name="SafetyNumber">The safety number of the two keys (the same on both screens).</param>
/// <param name="IsKeyChange">Whether a known name came with a different key.</param>
public sealed record TrustQuestion(string Name, string Fingerprint, string SafetyNumber, bool IsKeyChange);

/// <summary>The user's answer to a <see cref="TrustQuestion"/>.</summary>
public enum TrustChoice
{
    /// <summary>No: refuse the peer.</summary>
    Refuse,

    /// <summary>Yes: trust the key and remember it.</summary>
    Trust,

    /// <summary>Once: trust the key for this conversation only.</summary>
    Once,
}

/// <summary>The trust question as a box with Yes / Once / No. UI thread only, but for <see cref="Answer"/>.</summary>
public sealed class TrustDialog : FrameView
{
    // Whoever must act on the answer in the same step as the key press (ScreenView queues it for the chat
    // core) listens to Answered, raised on the UI thread: an await of Answer resumes wherever the scheduler
    // puts it, which on the UI thread (a synchronization context of its own) is never inline.
    private readonly TaskCompletionSource<TrustChoice> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A box asking <paramref name="question"/>, centred in whatever it is added to.</summary>
    public TrustDialog(TrustQuestion question)
    {
        ArgumentNullException.ThrowIfNull(question);
        Question = question;
        Title = question.IsKeyChange ? "Key changed" : "First contact";
        X = Pos.Center();
        Y = Pos.Center();
        Width = Dim.Percent(90);
        Height = 11;
        CanFocus = true;
        string name = ScreenText.Clean(question.Name);
        Add(
            new Label
            {
                Text = question.IsKeyChange ? $"\"{name}\" now presents a DIFFERENT key." : $"First contact with \"{name}\".",
            },
            new Label { Y = 2, Text = $"Fingerprint:   {question.Fingerprint}" },
            new Label { Y = 3, Text = $"Safety number: {question.SafetyNumber}" },
            new Label { Y = 5, Width = Dim.Fill(), Height = 2, Text = "Compare the safety number with them (it is the same on both screens)." });
        Yes = AnswerButton("_Yes, remember", TrustChoice.Trust, x: 0);
        Once = AnswerButton("_Once", TrustChoice.Once, x: Pos.Right(Yes) + 2);
        No = AnswerButton("_No", TrustChoice.Refuse, x: Pos.Right(Once) + 2);
    }

    /// <summary>The question shown.</summary>
    public TrustQuestion Question { get; }

    /// <summary>The user's choice; Refuse if the question was withdrawn.</summary>
    public Task<TrustChoice> Answer => _answer.Task;

    /// <summary>The button that trusts and remembers.</summary>
    public Button Yes { get; }

    /// <summary>The button that trusts for this time only.</summary>
    public Button Once { get; }

    /// <summary>The button that refuses.</summary>
    public Button No { get; }

    /// <summary>Raised on the UI thread when a button answers, before <see cref="Closed"/>; not when the question is withdrawn.</summary>
    public event EventHandler<TrustChoice>? Answered;

    /// <summary>Raised on the UI thread once the box has closed, answered or withdrawn.</summary>
    public event EventHandler? Closed;

    /// <summary>Withdraws the question (the caller left): answers Refuse and closes the box.</summary>
    public void Withdraw() => Close(TrustChoice.Refuse, answered: false);

    private Button AnswerButton(string text, TrustChoice choice, Pos x)
    {
        var button = new Button { X = x, Y = Pos.AnchorEnd(1), Text = text };
        button.Accepting += (_, args) =>
        {
            args.Handled = true;
            Close(choice, answered: true);
        };
        Add(button);
        return button;
    }

    private void Close(TrustChoice choice, bool answered)
    {
        if (_answer.TrySetResult(choice))
        {
            if (answered)
            {
                Answered?.Invoke(this, choice);
            }

            SuperView?.Remove(this);
            Closed?.Invoke(this, EventArgs.Empty);
        }
    }
}
