using CsCheck;
using SecureChat.Protocol.Session;
using SecureChat.Protocol.Tests.Infrastructure;
using SecureChat.Tests.Shared;

namespace SecureChat.Protocol.Tests.Session;

/// <summary>
/// The session over any interleaving of sends from both sides (each side sending in its own order, the
/// two racing or taking turns as the schedule says, texts of any size up to the limit): every text
/// arrives once, whole and in order, numbered 1, 2, 3…, and every one is confirmed delivered.
/// </summary>
public sealed class SessionInterleavingProperties
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Text of any well-formed characters (no lone surrogate: the session refuses to send those).</summary>
    private static readonly Gen<string> Text = Gen.Frequency(
        (6, Gen.String[Gen.Char.Where(c => !char.IsSurrogate(c)), 1, 80]),
        (2, Gen.String[Gen.Char.AlphaNumeric, 1, 2000]),
        (1, Gen.Int[1, SecureSession.MaxTextBytes].Select(n => new string('x', n))),
        (1, Gen.Const("😀 emoji, ünïcödé and \u0000 controls\r\n")));

    /// <summary>Which side sends, what, and whether the schedule then lets the other side race (0), yields (1) or waits for this send (2).</summary>
    private static readonly Gen<Step[]> Schedule =
        Gen.Select(Gen.Bool, Text, Gen.Int[0, 2]).Select((initiator, text, pause) => new Step(initiator, text, pause)).Array[0, 24];

    [Fact]
    public async Task SendAsync_AnyInterleavingFromBothSides_EveryTextArrivesOnceWholeInOrderAndConfirmed()
    {
        await Schedule.SampleAsync(RunAsync, iter: PropertyRuns.Iterations(12), threads: 1, print: Describe);
    }

    private static async Task RunAsync(Step[] schedule)
    {
        (SecureSession initiator, SecureSession responder) = await SessionHarness.OverPipesAsync();
        await using (initiator)
        await using (responder)
        {
            string[] fromInitiator = [.. schedule.Where(s => s.Initiator).Select(s => s.Text)];
            string[] fromResponder = [.. schedule.Where(s => !s.Initiator).Select(s => s.Text)];
            var atResponder = new Collector(responder, fromInitiator.Length);
            var atInitiator = new Collector(initiator, fromResponder.Length);

            // Each side sends its own texts one after another; the schedule decides how the two sides race.
            Task initiatorSends = Task.CompletedTask;
            Task responderSends = Task.CompletedTask;
            foreach (Step step in schedule)
            {
                Task sent = step.Initiator
                    ? initiatorSends = SendAfterAsync(initiatorSends, initiator, step.Text)
                    : responderSends = SendAfterAsync(responderSends, responder, step.Text);
                if (step.Pause == 1)
                {
                    await Task.Yield();
                }
                else if (step.Pause == 2)
                {
                    await sent.WaitAsync(Patience);
                }
            }

            await Task.WhenAll(initiatorSends, responderSends).WaitAsync(Patience);
            await Task.WhenAll(atResponder.AllArrived, atInitiator.AllArrived).WaitAsync(Patience);
            await initiator.CloseAsync();
            Drain.Result responderSaw = await atResponder.Finished.WaitAsync(Patience);
            await responder.CloseAsync();
            Drain.Result initiatorSaw = await atInitiator.Finished.WaitAsync(Patience);

            responderSaw.Failure.Should().BeNull();
            initiatorSaw.Failure.Should().BeNull();
            initiator.Failure.Should().BeNull();
            responder.Failure.Should().BeNull();
            responderSaw.Texts.Should().Equal(fromInitiator, "the responder gets the initiator's texts once each, whole, in order");
            initiatorSaw.Texts.Should().Equal(fromResponder, "the initiator gets the responder's texts once each, whole, in order");
            Ids(responderSaw).Should().Equal(Enumerable.Range(1, fromInitiator.Length).Select(i => (ulong)i));
            Ids(initiatorSaw).Should().Equal(Enumerable.Range(1, fromResponder.Length).Select(i => (ulong)i));
            DeliveredThrough(initiatorSaw).Should().Be((ulong)fromInitiator.Length, "every text the initiator sent was confirmed");
            DeliveredThrough(responderSaw).Should().Be((ulong)fromResponder.Length, "every text the responder sent was confirmed");
            responderSaw.Events.OfType<PeerClosed>().Should().ContainSingle();
            initiatorSaw.Events.OfType<PeerClosed>().Should().ContainSingle();
        }
    }

    private static async Task SendAfterAsync(Task before, SecureSession session, string text)
    {
        await before;
        await session.SendAsync(text);
    }

    private static IEnumerable<ulong> Ids(Drain.Result result) => result.Events.OfType<MessageReceived>().Select(m => m.Id);

    private static ulong DeliveredThrough(Drain.Result result) =>
        result.Events.OfType<MessagesDelivered>().Select(d => d.ThroughId).DefaultIfEmpty(0UL).Max();

    private static string Describe(Step[] schedule) =>
        string.Join(", ", schedule.Select(s => $"{(s.Initiator ? "I" : "R")}{s.Pause}:{s.Text.Length}"));

    private sealed record Step(bool Initiator, string Text, int Pause);

    /// <summary>Reads one side's events to their end, and says when the expected number of texts has arrived.</summary>
    private sealed class Collector
    {
        private readonly TaskCompletionSource _allArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Collector(SecureSession session, int expected)
        {
            if (expected == 0)
            {
                _allArrived.SetResult();
            }

            Finished = Task.Run(async () =>
            {
                var texts = new List<string>();
                var events = new List<SessionEvent>();
                try
                {
                    await foreach (SessionEvent e in session.ReadEventsAsync())
                    {
                        events.Add(e);
                        if (e is MessageReceived m)
                        {
                            texts.Add(m.Text);
                            if (texts.Count == expected)
                            {
                                _allArrived.TrySetResult();
                            }
                        }
                    }

                    return new Drain.Result(texts, events, null);
                }
                catch (Exception e)
                {
                    _allArrived.TrySetException(e);
                    return new Drain.Result(texts, events, e);
                }
                finally
                {
                    _allArrived.TrySetException(new InvalidOperationException($"The events ended after {texts.Count} of {expected} texts."));
                }
            });
        }

        public Task AllArrived => _allArrived.Task;

        public Task<Drain.Result> Finished { get; }
    }
}
