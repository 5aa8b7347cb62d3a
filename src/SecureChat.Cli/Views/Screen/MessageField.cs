// The input line: Terminal.Gui's own TextField does the editing (cursor keys, Home/End, words, deletion,
// undo, selection, wide characters and their widths). This adds what a chat needs around it: Enter sends,
// Up/Down walk the history, a paste of several lines becomes one message instead of being cut to its
// first line, Ctrl+C clears a typed line first (into the history, so Up brings it back: nothing typed is
// lost without a way back) and only leaves from an empty one, and Tab after "/send " completes a path
// (PathCompletion): as far as the matches agree, and a second Tab lists them.
using SecureChat.Cli.Files;
using Terminal.Gui.Input;
using Terminal.Gui.Views;

namespace SecureChat.Cli.Views.Screen;

/// <summary>The input line. UI thread only.</summary>
public sealed class MessageField : TextField
{
    private readonly InputHistory _history = new();
    private string? _tabbedAt; // the text as the last Tab left it: a Tab there again lists the matches

    /// <summary>An empty input line.</summary>
    public MessageField() => KeyDown += (_, key) => key.Handled = OnChatKey(key);

    /// <summary>A line to send (Enter), or the whole of a paste of several lines together with what was typed before it.</summary>
    public event EventHandler<string>? Submitted;

    /// <summary>Ctrl+C on an empty line: the user wants to leave.</summary>
    public event EventHandler? LeaveRequested;

    /// <summary>A second Tab found several paths and completed nothing more: the names, for the pane.</summary>
    public event EventHandler<IReadOnlyList<string>>? CompletionsListed;

    /// <summary>Where relative paths are completed from (the process's current folder unless set).</summary>
    public string? CompletionFolder { get; set; }

    /// <inheritdoc />
    /// <remarks>A paste of several lines is sent as one message at once, line breaks kept, so nothing of it is lost.</remarks>
    protected override string OnSanitizingPaste(string raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        string pasted = raw.ReplaceLineEndings("\n").TrimEnd('\n');
        if (!pasted.Contains('\n', StringComparison.Ordinal))
        {
            return base.OnSanitizingPaste(pasted);
        }

        Submit(Text + pasted);
        return string.Empty;
    }

    private bool OnChatKey(Key key)
    {
        if (key == Key.Enter)
        {
            Submit(Text);
            return true;
        }

        if (key == Key.Tab)
        {
            return CompletePath();
        }

        if (key == Key.C.WithCtrl)
        {
            if (Text.Length > 0)
            {
                _history.Add(Text); // cleared, not lost: Up brings it back
                Text = string.Empty;
            }
            else
            {
                LeaveRequested?.Invoke(this, EventArgs.Empty);
            }

            return true;
        }

        if (key == Key.CursorUp && _history.Previous(Text) is { } previous)
        {
            Show(previous);
            return true;
        }

        if (key == Key.CursorDown && _history.Next() is { } next)
        {
            Show(next);
            return true;
        }

        return false;
    }

    /// <summary>Tab: completes a /send path; false (the key does what it always does) on any other line.</summary>
    private bool CompletePath()
    {
        if (PathCompletion.Complete(Text, PromptPath.Home(), CompletionFolder ?? Environment.CurrentDirectory) is not { } completion)
        {
            return Text.StartsWith("/send ", StringComparison.OrdinalIgnoreCase); // a /send line keeps the focus
        }

        if (completion.Line != Text)
        {
            Show(completion.Line);
        }
        else if (completion.Candidates.Count > 1 && _tabbedAt == Text)
        {
            CompletionsListed?.Invoke(this, completion.Candidates);
        }

        _tabbedAt = Text;
        return true;
    }

    private void Submit(string line)
    {
        Text = string.Empty;
        if (line.Length == 0)
        {
            return;
        }

        _history.Add(line);
        Submitted?.Invoke(this, line);
    }

    private void Show(string line)
    {
        Text = line;
        MoveEnd();
    }
}
