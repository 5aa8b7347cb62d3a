// The screen's one window: the message pane on top, the status line and a transfer's progress under it,
// the prompt and input line at the bottom, and the trust box over everything while it asks. It renders
// state and turns keys into lines; it knows nothing of sessions. UI thread only: ScreenView marshals.
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace SecureChat.Cli.Views.Screen;

/// <summary>The chat screen's window. UI thread only.</summary>
public sealed class ChatScreen : Runnable
{
    private readonly Label _status;
    private readonly Label _transfer;
    private readonly Queue<int> _sending = new();
    private ScreenStatus _state;

    /// <summary>A screen for <paramref name="prompt"/> (e.g. <c>Alice&gt; </c>) starting in <paramref name="state"/>.</summary>
    public ChatScreen(string prompt, ScreenStatus state)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        _state = state;
        Width = Dim.Fill();
        Height = Dim.Fill();
        Pane = new MessagePane { X = 0, Y = 0, Width = Dim.Fill(), Height = Dim.Fill(3) };
        _status = new Label { X = 0, Y = Pos.AnchorEnd(3), Width = Dim.Fill(), Height = 1 };
        _transfer = new Label { X = 0, Y = Pos.AnchorEnd(2), Width = Dim.Fill(), Height = 1 };
        var promptLabel = new Label { X = 0, Y = Pos.AnchorEnd(1), Text = ScreenText.Clean(prompt) };
        Input = new MessageField { X = Pos.Right(promptLabel), Y = Pos.AnchorEnd(1), Width = Dim.Fill() };
        Add(Pane, _status, _transfer, promptLabel, Input);
        KeyDown += (_, key) => key.Handled = ScrollKey(key);
        ShowStatus();
    }

    /// <summary>The conversation.</summary>
    public MessagePane Pane { get; }

    /// <summary>The input line.</summary>
    public MessageField Input { get; }

    /// <summary>The trust box while it asks, else null.</summary>
    public TrustDialog? Question { get; private set; }

    /// <summary>What the status line says; setting it redraws the line.</summary>
    public ScreenStatus Status
    {
        get => _state;
        set
        {
            _state = value;
            ShowStatus();
        }
    }

    /// <summary>The status line as drawn.</summary>
    public string StatusText => _status.Text;

    /// <summary>Adds <paramref name="line"/>; a message of ours waits for its receipt with the sending mark.</summary>
    public void Add(ChatLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        int index = Pane.Append(line);
        if (line.Mark == DeliveryMark.Sending)
        {
            _sending.Enqueue(index);
        }
    }

    /// <summary>The peer's receipt covered our <paramref name="count"/> oldest unconfirmed messages: their marks turn to ✓ where they are.</summary>
    public void MarkDelivered(int count)
    {
        for (int i = 0; i < count && _sending.TryDequeue(out int index); i++)
        {
            Pane.Replace(index, Pane.Lines[index] with { Mark = DeliveryMark.Delivered });
        }
    }

    /// <summary>A transfer's progress line (with its bar), or null to clear it.</summary>
    public void ShowTransfer(string? line) => _transfer.Text = line is null ? string.Empty : ScreenText.Clean(line);

    /// <summary>Shows <paramref name="question"/> over the conversation; the box closes itself when answered or withdrawn.</summary>
    public TrustDialog Ask(TrustQuestion question)
    {
        Question?.Withdraw();
        var dialog = new TrustDialog(question);
        Question = dialog;
        Add(dialog);
        dialog.Closed += (_, _) => AfterQuestion(dialog);
        dialog.No.SetFocus(); // the safe answer is the one Enter gives
        return dialog;
    }

    private void AfterQuestion(TrustDialog dialog)
    {
        if (ReferenceEquals(Question, dialog))
        {
            Question = null;
            Input.SetFocus();
        }
    }

    private void ShowStatus() => _status.Text = _state.Text();

    private bool ScrollKey(Key key)
    {
        int page = Math.Max(1, Pane.Viewport.Height - 1);
        if (key == Key.PageUp)
        {
            Pane.Scroll(-page);
        }
        else if (key == Key.PageDown)
        {
            Pane.Scroll(page);
        }
        else if (key == Key.Esc)
        {
            // Esc is the library's quit key; here it only returns to the newest line, so no stray press ends a chat.
            Pane.ScrollToBottom();
        }
        else
        {
            return false;
        }

        return true;
    }
}
