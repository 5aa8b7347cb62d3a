// What the user gives the chat from the screen: typed lines, and the trust box's answers, in one queue that
// the chat core reads as its input (IChatInput). A box's answer is queued as a TrustReply by the UI thread
// in the same step as the button press, so no typed word travels and nothing waits on a continuation to run
// somewhere else. Each answer belongs to the question it answers: a withdrawn or replaced question's late
// answer is dropped, and dropping the lines typed ahead of a question never drops the answer to it.
using System.Threading.Channels;
using SecureChat.Cli.Chat;
using SecureChat.Cli.Trust;

namespace SecureChat.Cli.Views.Screen;

public sealed partial class ScreenView
{
    private readonly Channel<ChatInput> _input = Channel.CreateUnbounded<ChatInput>();
    private long _question; // the open question's number; 0 before the first, and bumped when one is withdrawn
    private int _typedWaiting;
    private TrustDialog? _box; // UI thread only

    /// <inheritdoc />
    /// <remarks>Typed lines as <see cref="TerminalInput"/> reads them (commands allowed, empty lines skipped), and the box's answers as <see cref="TrustReply"/>.</remarks>
    public async Task<ChatInput?> ReadAsync(CancellationToken cancellationToken)
    {
        while (await NextAsync(cancellationToken).ConfigureAwait(false) is { } next)
        {
            switch (next)
            {
                case Typed { Line.Length: > 0 } typed:
                    return SlashCommand.Read(typed.Line, commands: true);
                case BoxReply reply:
                    return reply.Reply;
            }
        }

        return null;
    }

    /// <inheritdoc />
    /// <remarks>For a reader of lines: a box's answer reads as the word a person would type (yes, once, no).</remarks>
    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken) =>
        await NextAsync(cancellationToken).ConfigureAwait(false) switch
        {
            Typed typed => typed.Line,
            BoxReply { Reply.Answer: TrustAnswer.Accept } => "yes",
            BoxReply { Reply.Answer: TrustAnswer.Once } => "once",
            BoxReply => "no",
            _ => null,
        };

    /// <inheritdoc />
    /// <remarks>Drops typed lines only: the open question's answer may already be queued, and it answers that question.</remarks>
    public void DiscardPendingInput()
    {
        var kept = new List<ChatInput>();
        while (_input.Reader.TryRead(out ChatInput? next))
        {
            if (next is Typed)
            {
                Interlocked.Decrement(ref _typedWaiting);
            }
            else
            {
                kept.Add(next);
            }
        }

        foreach (ChatInput reply in kept)
        {
            _input.Writer.TryWrite(reply);
        }

        ShowQueued();
    }

    /// <summary>The next typed line or current answer, skipping answers to questions no longer asked; null when the screen closed.</summary>
    private async Task<ChatInput?> NextAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                ChatInput next = await _input.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (next is Typed)
                {
                    Interlocked.Decrement(ref _typedWaiting);
                    ShowQueued();
                    return next;
                }

                if (next is BoxReply reply && reply.Question == Interlocked.Read(ref _question))
                {
                    return next;
                }
            }
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    /// <summary>A line typed (Enter, or a paste of several lines): queued for the chat, shown as queued until taken.</summary>
    private void Type(string line)
    {
        Interlocked.Increment(ref _typedWaiting);
        _input.Writer.TryWrite(new Typed(line));
        ShowQueued();
    }

    private void ShowQueued()
    {
        int queued = Math.Max(0, Volatile.Read(ref _typedWaiting));
        OnUiThread(() => _screen.Status = _screen.Status with { Queued = queued });
    }

    /// <summary>
    /// Asks the core's trust question in the box. The question gets its number here, on the core's thread,
    /// before the core reads its answer; the box opens on the UI thread and queues its answer as it closes.
    /// A box closed because the question was withdrawn or asked again answers nothing.
    /// </summary>
    private void AskInBox(TrustQuestionAsked asked)
    {
        long number = Interlocked.Increment(ref _question);
        var question = new TrustQuestion(asked.Peer, asked.Fingerprint, asked.SafetyNumber, IsKeyChange: false);
        OnUiThread(() =>
        {
            if (Interlocked.Read(ref _question) != number)
            {
                return; // withdrawn or asked again before the box could open
            }

            TrustDialog box = _screen.Ask(question); // closes a box still open for an older question
            _box = box;
            box.Answered += (_, choice) => _input.Writer.TryWrite(new BoxReply(new TrustReply(ToAnswer(choice)), number));
            box.Closed += (_, _) =>
            {
                if (ReferenceEquals(_box, box))
                {
                    _box = null;
                }
            };
        });
    }

    /// <summary>The core withdrew its question (the caller left): a late answer is dropped, and the box closes itself.</summary>
    private void WithdrawBox()
    {
        Interlocked.Increment(ref _question);
        OnUiThread(() => _box?.Withdraw());
    }

    private static TrustAnswer ToAnswer(TrustChoice choice) => choice switch
    {
        TrustChoice.Trust => TrustAnswer.Accept,
        TrustChoice.Once => TrustAnswer.Once,
        _ => TrustAnswer.Refuse,
    };

    /// <summary>A line as typed, before it is read as a message or a command.</summary>
    private sealed record Typed(string Line) : ChatInput;

    /// <summary>The box's answer to question number <paramref name="Question"/>.</summary>
    private sealed record BoxReply(TrustReply Reply, long Question) : ChatInput;
}
