// The AFL++ harness (fuzz/README.md). One process fuzzes one target:
//   init DIR                 new identities, one recorded conversation: DIR/setup and the seed corpus DIR/corpus/<target>/
//   afl TARGET DIR           under afl-fuzz: replays the recorded conversation, then runs TARGET on each input
//   replay TARGET DIR FILE…  runs TARGET on each file and prints its outcome (triage; counts what a queue holds)
//   mutate TARGET DIR SECONDS [SEED]   our own seeded mutational fuzzer, without AFL (the same one dotnet test runs briefly)
// Any exception a target lets through (another type than the documented ones, or a broken oracle) is a crash.
using System.Globalization;
using SecureChat.Protocol.Tests.Fuzzing;

namespace SecureChat.Fuzz;

internal static class Program
{
    private static readonly string[] SetupFiles = ["initiator.pk8", "responder.pk8", "initiator.wrap", "responder.wrap"];

    private static async Task<int> Main(string[] args)
    {
        if (args is ["init", string initDir])
        {
            await InitAsync(initDir).ConfigureAwait(false);
            return 0;
        }

        if (args.Length >= 2 && args[0] is "afl" or "replay" or "mutate" && !FuzzTargets.Names.Contains(args[1]))
        {
            await Console.Error.WriteLineAsync($"Unknown target {args[1]}; the targets are {string.Join(", ", FuzzTargets.Names)}.").ConfigureAwait(false);
            return 2;
        }

        switch (args)
        {
            case ["afl", string target, string dir]:
                // The instrumented assemblies may only run once SharpFuzz has mapped AFL's coverage map, inside
                // Run: so the conversation is replayed during the first input (AFL allows it its 5 s).
                FuzzTargets? targets = null;
                SharpFuzz.Fuzzer.Run(stream =>
                {
                    targets ??= LoadAsync(dir).GetAwaiter().GetResult();
                    using var copy = new MemoryStream();
                    stream.CopyTo(copy);
                    targets.Run(target, copy.ToArray());
                });
                return 0;
            case ["replay", string target, string dir, .. string[] files]:
                FuzzTargets replaying = await LoadAsync(dir).ConfigureAwait(false);
                foreach (string file in files)
                {
                    string outcome;
                    try
                    {
                        outcome = replaying.Run(target, await File.ReadAllBytesAsync(file).ConfigureAwait(false));
                    }
#pragma warning disable CA1031 // Triage prints whatever escaped.
                    catch (Exception e)
#pragma warning restore CA1031
                    {
                        outcome = $"CRASH {e.GetType().Name}: {e.Message}";
                    }

                    Console.WriteLine($"{file}\t{outcome}");
                }

                return 0;
            case ["mutate", string target, string dir, string seconds, .. string[] rest]:
                FuzzTargets mutating = await LoadAsync(dir).ConfigureAwait(false);
                int seed = rest is [string s] ? int.Parse(s, CultureInfo.InvariantCulture) : 20_261_122;
                FuzzReport report = new MutationalFuzzer(mutating, target, seed)
                    .Run(TimeSpan.FromSeconds(double.Parse(seconds, CultureInfo.InvariantCulture)), 0, long.MaxValue, TimeSpan.FromSeconds(2));
                Console.WriteLine(report);
                return report.Findings.Count == 0 ? 0 : 1;
            default:
                await Console.Error.WriteLineAsync("Usage: init DIR | afl TARGET DIR | replay TARGET DIR FILE... | mutate TARGET DIR SECONDS [SEED]").ConfigureAwait(false);
                return 2;
        }
    }

    private static async Task InitAsync(string dir)
    {
        CapturedConversation capture = await CapturedConversation.RecordWithNewKeysAsync().ConfigureAwait(false);
        string setup = Directory.CreateDirectory(Path.Combine(dir, "setup")).FullName;
        byte[][] contents = [capture.InitiatorPkcs8, capture.ResponderPkcs8, capture.InitiatorEntropy.Wrapped!, capture.ResponderEntropy.Wrapped!];
        for (int i = 0; i < SetupFiles.Length; i++)
        {
            await File.WriteAllBytesAsync(Path.Combine(setup, SetupFiles[i]), contents[i]).ConfigureAwait(false);
        }

        var targets = new FuzzTargets(capture);
        foreach (string target in FuzzTargets.Names)
        {
            string corpus = Directory.CreateDirectory(Path.Combine(dir, "corpus", target)).FullName;
            IReadOnlyList<byte[]> seeds = targets.Corpus(target);
            for (int i = 0; i < seeds.Count; i++)
            {
                await File.WriteAllBytesAsync(Path.Combine(corpus, $"captured-{i:D2}"), seeds[i]).ConfigureAwait(false);
            }

            Console.WriteLine($"{target}: {seeds.Count} captured inputs in {corpus}");
        }
    }

    /// <summary>Replays the conversation recorded by init, byte for byte, so that its corpus matches.</summary>
    private static async Task<FuzzTargets> LoadAsync(string dir)
    {
        byte[][] setup = await Task.WhenAll(SetupFiles.Select(f => File.ReadAllBytesAsync(Path.Combine(dir, "setup", f)))).ConfigureAwait(false);
        CapturedConversation capture = await CapturedConversation.RecordAsync(setup[0], setup[1], setup[2], setup[3]).ConfigureAwait(false);
        var targets = new FuzzTargets(capture);
        string replayed = targets.Responder(capture.ResponderInput);
        if (replayed != FuzzTargets.Accepted || !File.Exists(Path.Combine(dir, "corpus", "responder", "captured-00"))
            || !(await File.ReadAllBytesAsync(Path.Combine(dir, "corpus", "responder", "captured-00")).ConfigureAwait(false)).AsSpan().SequenceEqual(capture.ResponderInput))
        {
            throw new InvalidOperationException($"The conversation in {dir} did not replay byte for byte; run init again.");
        }

        return targets;
    }
}
