using System.Security.Cryptography;
using SecureChat.Protocol.Session;
using SecureChat.Protocol.Tests.Infrastructure;

namespace SecureChat.Protocol.Tests.Session;

/// <summary>Files as ordinary records: offer, answer, chunks in order, and the receiver's verdict.</summary>
public sealed class FileTransferSessionTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 0)]
    [InlineData(SecureSession.MaxFileChunkBytes * 3 + 17, 0)]
    [InlineData(SecureSession.MaxFileChunkBytes * 3 + 17, SecureSession.MaxFileChunkBytes + 5)]
    [InlineData(1000, 999)]
    public async Task Transfer_FromAnOffset_ArrivesWholeInOrderAndIsVerified(int size, int held)
    {
        byte[] file = RandomNumberGenerator.GetBytes(size);
        (SecureSession bob, SecureSession alice) = await SessionHarness.OverPipesAsync();
        await using (bob)
        await using (alice)
        {
            await using IAsyncEnumerator<SessionEvent> atAlice = alice.ReadEventsAsync().GetAsyncEnumerator();
            await using IAsyncEnumerator<SessionEvent> atBob = bob.ReadEventsAsync().GetAsyncEnumerator();
            ulong id = await bob.OfferFileAsync("../notes.bin", size, SHA256.HashData(file));

            FileOffered offer = await Next<FileOffered>(atAlice);
            offer.Should().Match<FileOffered>(o => o.File == id && o.Name == "../notes.bin" && o.Size == size);
            offer.Sha256.ToArray().Should().Equal(SHA256.HashData(file));
            await alice.AcceptFileAsync(id, held, SHA256.HashData(file.AsSpan(0, held)));

            FileAccepted accepted = await Next<FileAccepted>(atBob);
            accepted.Offset.Should().Be(held);
            accepted.Prefix.ToArray().Should().Equal(SHA256.HashData(file.AsSpan(0, held)));
            long offset = held;
            while (offset < size)
            {
                int length = (int)Math.Min(SecureSession.MaxFileChunkBytes, size - offset);
                await bob.SendFileChunkAsync(id, offset, file.AsMemory((int)offset, length));
                offset += length;
            }

            if (size == 0)
            {
                await bob.SendFileChunkAsync(id, 0, ReadOnlyMemory<byte>.Empty); // the chunk that ends an empty file
            }

            byte[] assembled = file[..held];
            bool complete = false;
            while (!complete)
            {
                FileChunkReceived chunk = await Next<FileChunkReceived>(atAlice);
                chunk.Offset.Should().Be(assembled.Length);
                assembled = [.. assembled, .. chunk.Data.Span];
                complete = chunk.Complete;
            }

            assembled.Should().Equal(file);
            await alice.ConfirmFileAsync(id);
            (await Next<FileVerified>(atBob)).File.Should().Be(id);
        }
    }

    [Fact]
    public Task Resume_PrefixDoesNotMatch_SenderStartsOverAtZero_ReceiverIsToldByTheFirstChunk() =>
        AfterOfferAcceptedAsync(
            RandomNumberGenerator.GetBytes(5000),
            async (bob, atBob, alice, atAlice, id, file) =>
            {
                await bob.SendFileChunkAsync(id, 0, file); // Bob's first 2000 bytes hash differently: from the start
                FileChunkReceived chunk = await Next<FileChunkReceived>(atAlice);
                chunk.Should().Match<FileChunkReceived>(c => c.Offset == 0 && c.Complete);
            },
            held: 2000,
            prefix: SHA256.HashData(new byte[2000]));

    [Fact]
    public async Task Reject_DuringTheTransfer_ChunksAlreadyOnTheirWayAreDropped_ChatGoesOn()
    {
        byte[] file = RandomNumberGenerator.GetBytes(SecureSession.MaxFileChunkBytes * 4);
        var release = new TaskCompletionSource();
        bool holding = false;
        (Stream i, Stream r, FrameRelay relay) = FrameRelay.Create();
        await using (relay)
        {
            // Once Alice rejects, her frames are held back, so that Bob's next chunk surely crosses the reject.
            relay.Tamper = f => f.Toward == Toward.Initiator && Volatile.Read(ref holding) ? FrameRelay.HoldUntil(f, release.Task) : [f.Wire];
            (SecureSession bob, SecureSession alice) = await SessionHarness.ConnectAsync(i, r, SessionHarness.BobOptions(), SessionHarness.AliceOptions());
            await using (bob)
            await using (alice)
            {
                await using IAsyncEnumerator<SessionEvent> atAlice = alice.ReadEventsAsync().GetAsyncEnumerator();
                await using IAsyncEnumerator<SessionEvent> atBob = bob.ReadEventsAsync().GetAsyncEnumerator();
                ulong id = await OfferAndAcceptAsync(bob, atBob, alice, atAlice, "big", file);
                await bob.SendFileChunkAsync(id, 0, file.AsMemory(0, SecureSession.MaxFileChunkBytes));
                await Next<FileChunkReceived>(atAlice);
                Volatile.Write(ref holding, true);
                await alice.RejectFileAsync(id, "changed my mind");

                // Bob has not heard yet: this chunk crosses the reject and must not end the session.
                await bob.SendFileChunkAsync(id, SecureSession.MaxFileChunkBytes, file.AsMemory(SecureSession.MaxFileChunkBytes, SecureSession.MaxFileChunkBytes));
                await bob.SendAsync("still talking");
                (await Drain.NextTextAsync(atAlice)).Text.Should().Be("still talking", "the crossing chunk was dropped, not delivered");
                release.SetResult();
                FileRejected rejected = await Next<FileRejected>(atBob);
                rejected.Should().Be(new FileRejected(id, "changed my mind"));
                Func<Task> more = async () => await bob.SendFileChunkAsync(id, 2 * SecureSession.MaxFileChunkBytes, file.AsMemory(0, 10));
                await more.Should().ThrowAsync<InvalidOperationException>("the transfer is over");
            }
        }
    }

    [Fact]
    public async Task SlowReceiver_AtMostMaxQueuedChunksWait_ThenEveryChunkArrivesInOrder()
    {
        const int chunks = 3 * SecureSession.MaxQueuedChunks;
        byte[] file = RandomNumberGenerator.GetBytes(chunks * 100);
        (SecureSession bob, SecureSession alice) = await SessionHarness.OverPipesAsync();
        await using (bob)
        await using (alice)
        {
            await using IAsyncEnumerator<SessionEvent> atAlice = alice.ReadEventsAsync().GetAsyncEnumerator();
            await using IAsyncEnumerator<SessionEvent> atBob = bob.ReadEventsAsync().GetAsyncEnumerator();
            ulong id = await OfferAndAcceptAsync(bob, atBob, alice, atAlice, "f", file);
            // Sent in the background: once Alice's session stops reading, the pipe (64 KiB, like a socket
            // buffer) fills and Bob's writes wait, which is the point.
            Task sending = Task.Run(async () =>
            {
                for (int n = 0; n < chunks; n++)
                {
                    await bob.SendFileChunkAsync(id, n * 100, file.AsMemory(n * 100, 100));
                }
            });

            // Alice's application reads nothing for a while: her session stops reading instead of queueing it all.
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (alice.QueuedEvents < SecureSession.MaxQueuedChunks && waited.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(20);
            }

            await Task.Delay(300); // time for more to pile up, if anything let them
            alice.QueuedEvents.Should().Be(SecureSession.MaxQueuedChunks);
            alice.Failure.Should().BeNull("waiting for the application is not the peer's silence");

            var assembled = new List<byte>();
            for (int n = 0; n < chunks; n++)
            {
                FileChunkReceived chunk = await Next<FileChunkReceived>(atAlice);
                chunk.Offset.Should().Be(assembled.Count);
                assembled.AddRange(chunk.Data.ToArray());
            }

            assembled.Should().Equal(file);
            await sending.WaitAsync(TimeSpan.FromSeconds(20));
        }
    }

    /// <summary>
    /// Regression (issue 7 review): the app learnt the id only when OfferFileAsync returned, and under load
    /// the peer's accept came first, found no offer with that id, and the transfer never started.
    /// </summary>
    [Fact]
    public async Task OfferFile_TellsTheIdBeforeTheOfferIsOnTheWire()
    {
        long known = -1;
        var seenWithIdKnown = new List<bool>();
        (Stream i, Stream r, FrameRelay relay) = FrameRelay.Create();
        await using (relay)
        {
            relay.Tamper = f =>
            {
                if (f.Toward == Toward.Responder && f.Number > FrameRelay.ResumeTowardResponder) // after Bob's resume
                {
                    seenWithIdKnown.Add(Interlocked.Read(ref known) >= 0);
                }

                return [f.Wire];
            };
            (SecureSession bob, SecureSession alice) = await SessionHarness.ConnectAsync(i, r, SessionHarness.BobOptions(), SessionHarness.AliceOptions());
            await using (bob)
            await using (alice)
            {
                await using IAsyncEnumerator<SessionEvent> atAlice = alice.ReadEventsAsync().GetAsyncEnumerator();
                ulong id = await bob.OfferFileAsync("f", 1, new byte[32], n => Interlocked.Exchange(ref known, (long)n));
                (await Next<FileOffered>(atAlice)).File.Should().Be(id);
                known.Should().Be((long)id);
                seenWithIdKnown.Should().Equal([true], "the offer, the only record, left after the id was told");
            }
        }
    }

    [Fact]
    public async Task LocalMisuse_IsRefusedBeforeAnythingIsSent()
    {
        (SecureSession bob, SecureSession alice) = await SessionHarness.OverPipesAsync();
        await using (bob)
        await using (alice)
        {
            ulong id = await bob.OfferFileAsync("f", 10, new byte[32]);
            Func<Task> early = async () => await bob.SendFileChunkAsync(id, 0, new byte[10]);
            await early.Should().ThrowAsync<InvalidOperationException>("nothing is sent before the peer accepts");
            Func<Task> badHash = async () => await bob.OfferFileAsync("f", 10, new byte[31]);
            await badHash.Should().ThrowAsync<ArgumentException>();
            Func<Task> noName = async () => await bob.OfferFileAsync("", 10, new byte[32]);
            await noName.Should().ThrowAsync<ArgumentException>();
            Func<Task> unknown = async () => await alice.AcceptFileAsync(99, 0, new byte[32]);
            await unknown.Should().ThrowAsync<InvalidOperationException>();
        }
    }

    [Fact]
    public Task ReportFileProgress_ReachesTheSenderInOrder_BeforeTheVerdict_AndNeverTwice() =>
        AfterOfferAcceptedAsync(
            RandomNumberGenerator.GetBytes(10),
            async (bob, atBob, alice, atAlice, id, file) =>
            {
                alice.ReportFileProgress(id, 4); // nothing arrived yet: not sent
                await bob.SendFileChunkAsync(id, 0, file.AsMemory(0, 4));
                await Next<FileChunkReceived>(atAlice);
                alice.ReportFileProgress(id, 4);
                (await Next<FileProgressConfirmed>(atBob)).Held.Should().Be(4);
                alice.ReportFileProgress(id, 4); // not above the last report: not sent again

                await bob.SendFileChunkAsync(id, 4, file.AsMemory(4));
                await Next<FileChunkReceived>(atAlice);
                alice.ReportFileProgress(id, 10);
                await alice.ConfirmFileAsync(id);

                // The next file event Bob sees is the report of all 10 bytes, then the verdict: no repeat of 4.
                SessionEvent next = await NextOf(atBob, e => e is FileProgressConfirmed or FileVerified);
                next.Should().Be(new FileProgressConfirmed(id, 10));
                (await Next<FileVerified>(atBob)).File.Should().Be(id);
            });

    /// <summary>A session pair over pipes where Bob offered <paramref name="file"/> and Alice accepted it; then <paramref name="body"/>.</summary>
    private static async Task AfterOfferAcceptedAsync(
        byte[] file,
        Func<SecureSession, IAsyncEnumerator<SessionEvent>, SecureSession, IAsyncEnumerator<SessionEvent>, ulong, byte[], Task> body,
        long held = 0,
        byte[]? prefix = null)
    {
        (SecureSession bob, SecureSession alice) = await SessionHarness.OverPipesAsync();
        await using (bob)
        await using (alice)
        {
            await using IAsyncEnumerator<SessionEvent> atAlice = alice.ReadEventsAsync().GetAsyncEnumerator();
            await using IAsyncEnumerator<SessionEvent> atBob = bob.ReadEventsAsync().GetAsyncEnumerator();
            ulong id = await OfferAndAcceptAsync(bob, atBob, alice, atAlice, "f", file, held, prefix);
            await body(bob, atBob, alice, atAlice, id, file);
        }
    }

    private static async Task<SessionEvent> NextOf(IAsyncEnumerator<SessionEvent> events, Func<SessionEvent, bool> wanted)
    {
        while (await events.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20)))
        {
            if (wanted(events.Current))
            {
                return events.Current;
            }
        }

        throw new InvalidOperationException("The events ended.");
    }

    /// <summary>Bob offers <paramref name="file"/>; Alice accepts it holding <paramref name="held"/> bytes (their hash <paramref name="prefix"/>); both have seen the other's message.</summary>
    private static async Task<ulong> OfferAndAcceptAsync(
        SecureSession bob, IAsyncEnumerator<SessionEvent> atBob, SecureSession alice, IAsyncEnumerator<SessionEvent> atAlice, string name, byte[] file, long held = 0, byte[]? prefix = null)
    {
        ulong id = await bob.OfferFileAsync(name, file.Length, SHA256.HashData(file));
        await Next<FileOffered>(atAlice);
        await alice.AcceptFileAsync(id, held, prefix ?? SHA256.HashData([]));
        await Next<FileAccepted>(atBob);
        return id;
    }

    private static async Task<T> Next<T>(IAsyncEnumerator<SessionEvent> events)
        where T : SessionEvent
    {
        while (await events.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20)))
        {
            if (events.Current is T wanted)
            {
                return wanted;
            }
        }

        throw new InvalidOperationException($"The events ended before a {typeof(T).Name}.");
    }
}
