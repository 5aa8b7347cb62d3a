// The terminal for people. A small line editor owns the input line, so that a message arriving while
// someone types never garbles it: clear the line, print the message, redraw the prompt and what was
// typed. Colours follow the no-color.org convention (none with NO_COLOR set). The prompt appears once
// input is first read, and is drawn in place, never twice; Ctrl+C clears a typed line and leaves only from
// an empty one, as shells do; leaving ends the last line, so the shell's prompt starts on its own (issue 17 item 6).
using System.Globalization;
using System.Text;
using System.Threading.Channels;

namespace SecureChat.Cli.Views.Line;

/// <summary>The interactive console: a prompt, colours, and an input line that incoming messages never garble.</summary>
public sealed class InteractiveTerminal : IChatTerminal, IDisposable
{
    private const string ClearLine = "\r\u001b[2K";

    // Up one line and clear it: the status line sits just above the prompt.
    private const string ClearLineAbove = "\u001b[1A\r\u001b[2K";
    private readonly TextWriter _out;
    private readonly bool _colour;
    private readonly string _prompt;
    private readonly StringBuilder _typed = new();
    private readonly Lock _gate = new();
    private readonly Channel<string?> _lines = Channel.CreateUnbounded<string?>();
    private int _started;
    private string? _status;
    private bool _promptShown;

    /// <summary>Writes to <paramref name="output"/> (the console), with colours if <paramref name="colour"/>.</summary>
    public InteractiveTerminal(TextWriter output, string prompt, bool colour)
    {
        _out = output;
        _prompt = prompt;
        _colour = colour;
    }

    /// <inheritdoc />
    public bool IsInteractive => true;

    /// <summary>What Ctrl+C on an empty line does: leave (the app's own Ctrl+C, through its cancellation).</summary>
    public Action? Interrupt { get; init; }

    /// <summary>Whether the keys come from the process's console, which then hands us Ctrl+C as a key.</summary>
    public bool OwnsConsole { get; init; }

    /// <summary>Where keys come from; tests type through it.</summary>
    internal Func<ConsoleKeyInfo> ReadKey { get; init; } = () => Console.ReadKey(intercept: true);

    /// <summary>Ends the input line: what was typed stays on screen, an empty prompt is erased, and the shell's prompt starts on a line of its own.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_promptShown)
            {
                _out.Write(_typed.Length > 0 ? Environment.NewLine : ClearLine);
                _promptShown = false;
                _out.Flush();
            }
        }
    }

    /// <inheritdoc />
    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            if (OwnsConsole)
            {
                Console.TreatControlCAsInput = true; // Ctrl+C first clears the line; the key loop decides
            }

            var keys = new Thread(ReadKeys) { IsBackground = true, Name = "SecureChat keyboard" };
            keys.Start();
            lock (_gate)
            {
                _promptShown = true;
                _out.Write(ClearLine); // in place: whatever stood on this line is redrawn below, once
                RedrawLocked();
            }
        }

        return await _lines.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void DiscardPendingInput()
    {
        while (_lines.Reader.TryRead(out string? line))
        {
            if (line is null)
            {
                _lines.Writer.TryWrite(null); // the end of input stays
                return;
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>A person sees the conversation end and knows what they typed after it: nothing to list.</remarks>
    public string? TakeUnusedLine() => null;

    /// <inheritdoc />
    public void ShowIncoming(DateTimeOffset at, string name, string text) =>
        Print($"{Dim(Time(at))} {Paint("32", SafeText.ForTerminal(name))}: {SafeText.ForTerminal(text)}");

    /// <inheritdoc />
    /// <remarks>After an outage many lines arrive at once; the send time says when each was written.</remarks>
    public void ShowIncomingLate(DateTimeOffset at, DateTimeOffset sentAt, string name, string text) =>
        Print($"{Dim(Time(at))} {Paint("32", SafeText.ForTerminal(name))}: {SafeText.ForTerminal(text)} {Dim($"(sent {Time(sentAt)})")}");

    /// <inheritdoc />
    public void ShowOwn(DateTimeOffset at, string name, string text) =>
        Print($"{Dim(Time(at))} {Paint("36", SafeText.ForTerminal(name))}: {SafeText.ForTerminal(text)}");

    /// <inheritdoc />
    public void ShowSystem(string line) => Print(Dim("* " + line));

    /// <inheritdoc />
    public void ShowWarning(string line) => Print(Paint("33", "! " + line));

    private static string Time(DateTimeOffset at) => at.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    private string Paint(string code, string text) => _colour ? $"\u001b[{code}m{text}\u001b[0m" : text;

    private string Dim(string text) => Paint("2", text);

    /// <inheritdoc />
    public int? ProgressWidth
    {
        get
        {
            try
            {
                return Math.Max(40, Console.WindowWidth - 1);
            }
            catch (IOException)
            {
                return 79;
            }
        }
    }

    /// <inheritdoc />
    public void ShowProgress(string? line)
    {
        lock (_gate)
        {
            _out.Write(ClearLine);
            if (_status is not null)
            {
                _out.Write(ClearLineAbove);
            }

            _status = line is null ? null : Dim(line);
            RedrawLocked();
        }
    }

    private void Print(string line)
    {
        lock (_gate)
        {
            _out.Write(ClearLine);
            if (_status is not null)
            {
                _out.Write(ClearLineAbove);
            }

            _out.WriteLine(line);
            RedrawLocked();
        }
    }

    /// <summary>The status line (if any), the prompt and what is being typed, below what was printed.</summary>
    private void RedrawLocked()
    {
        if (_status is not null)
        {
            _out.WriteLine(_status);
        }

        if (_promptShown)
        {
            _out.Write(_prompt);
            _out.Write(_typed.ToString());
        }

        _out.Flush();
    }

    private void ReadKeys()
    {
        while (true)
        {
            ConsoleKeyInfo key;
            try
            {
                key = ReadKey();
            }
            catch (InvalidOperationException)
            {
                _lines.Writer.TryWrite(null); // the console went away
                return;
            }

            bool leave = false;
            lock (_gate)
            {
                switch (key.Key)
                {
                    case ConsoleKey.C when key.Modifiers.HasFlag(ConsoleModifiers.Control) || key.KeyChar == '\u0003':
                        leave = _typed.Length == 0;
                        _typed.Clear(); // a half-typed line is cleared, not sent and not the end of the chat
                        _out.Write(ClearLine + _prompt);
                        break;
                    case ConsoleKey.Enter:
                        string line = _typed.ToString();
                        _typed.Clear();
                        _out.Write(ClearLine + _prompt);
                        _lines.Writer.TryWrite(line);
                        break;
                    case ConsoleKey.Backspace when _typed.Length > 0:
                        _typed.Length--;
                        _out.Write("\b \b");
                        break;
                    case ConsoleKey.Escape:
                        _typed.Clear();
                        _out.Write(ClearLine + _prompt);
                        break;
                    case ConsoleKey.D when key.Modifiers.HasFlag(ConsoleModifiers.Control) && _typed.Length == 0:
                        _lines.Writer.TryWrite(null);
                        return;
                    default:
                        if (!char.IsControl(key.KeyChar) && key.KeyChar != '\0')
                        {
                            _typed.Append(key.KeyChar);
                            _out.Write(key.KeyChar);
                        }

                        break;
                }

                _out.Flush();
            }

            if (leave && Interrupt is { } interrupt)
            {
                _ = Task.Run(interrupt); // not under the lock: leaving prints
            }
        }
    }
}
