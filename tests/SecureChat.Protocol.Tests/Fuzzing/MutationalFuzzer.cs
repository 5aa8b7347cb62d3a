// Shared with fuzz/SecureChat.Fuzz (linked there): no test framework here.
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SecureChat.Protocol.Tests.Fuzzing;

/// <summary>What a fuzz run did: executions, outcomes by label, the slowest input, and every finding.</summary>
internal sealed record FuzzReport(string Target, int Seed, long Executions, TimeSpan Elapsed, TimeSpan Slowest, IReadOnlyDictionary<string, long> Outcomes, IReadOnlyList<string> Findings)
{
    public override string ToString()
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{Target}: {Executions:N0} executions in {Elapsed.TotalSeconds:0.0} s (seed {Seed}), slowest input {Slowest.TotalMilliseconds:0} ms, {Findings.Count} findings");
        foreach ((string outcome, long count) in Outcomes.OrderByDescending(p => p.Value))
        {
            text.Append(CultureInfo.InvariantCulture, $"\n  {count,9:N0}  {outcome}");
        }

        foreach (string finding in Findings)
        {
            text.Append("\n  FINDING ").Append(finding);
        }

        return text.ToString();
    }
}

/// <summary>
/// Our own seeded mutational fuzzer over the captured frames: input i is made by a generator seeded from
/// (seed, i) alone, so any finding is reproduced by its seed and index, whatever ran before it. Runs until
/// the time budget or the execution cap, whichever comes first; an input slower than the per-input bound
/// counts as a hang.
/// </summary>
internal sealed class MutationalFuzzer(FuzzTargets targets, string target, int seed)
{
    /// <summary>The input of execution <paramref name="index"/>: a captured input, mutated by a generator seeded from (seed, index).</summary>
    public byte[] Input(long index)
    {
        var random = new Random(Mix(seed, index));
        IReadOnlyList<byte[]> corpus = targets.Corpus(target);
        byte[] input = corpus[random.Next(corpus.Count)];
        int stacked = 1 + random.Next(3);
        for (int i = 0; i < stacked; i++)
        {
            input = targets.Mutate(target, random, input);
        }

        return input;
    }

    /// <summary>
    /// One 32-bit seed from (seed, index), the same in every process (HashCode.Combine is randomised per
    /// process, so it would not reproduce a finding in another run): SplitMix64's finaliser.
    /// </summary>
    internal static int Mix(int seed, long index)
    {
        unchecked
        {
            ulong z = ((ulong)(uint)seed << 32) ^ (ulong)index;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return (int)(z ^ (z >> 31));
        }
    }

    /// <summary>
    /// Runs inputs 0, 1, 2, … until the budget has passed and at least <paramref name="minExecutions"/> have
    /// run (or <paramref name="maxExecutions"/> have). The floor makes what a run covers independent of how
    /// loaded the machine is: the same seed always runs at least the same first inputs.
    /// </summary>
    public FuzzReport Run(TimeSpan budget, long minExecutions, long maxExecutions, TimeSpan perInputBound)
    {
        var outcomes = new Dictionary<string, long>();
        var findings = new List<string>();
        var clock = Stopwatch.StartNew();
        var one = new Stopwatch();
        TimeSpan slowest = TimeSpan.Zero;
        long executions = 0;
        for (long index = 0; index < maxExecutions && (clock.Elapsed < budget || index < minExecutions); index++)
        {
            byte[] input = Input(index);
            string outcome;
            one.Restart();
            try
            {
                outcome = targets.Run(target, input);
            }
#pragma warning disable CA1031 // Any exception a target lets through is a finding, to be reported with its input.
            catch (Exception e)
#pragma warning restore CA1031
            {
                outcome = "FINDING " + e.GetType().Name;
                findings.Add($"seed {seed} index {index}: {e.GetType().Name}: {e.Message} on {Convert.ToHexString(input)}");
            }

            one.Stop();
            executions++;
            slowest = one.Elapsed > slowest ? one.Elapsed : slowest;
            if (one.Elapsed > perInputBound)
            {
                findings.Add($"seed {seed} index {index}: took {one.Elapsed.TotalMilliseconds:0} ms (hang bound {perInputBound.TotalMilliseconds:0} ms) on {Convert.ToHexString(input)}");
            }

            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            if (findings.Count >= 20)
            {
                break;
            }
        }

        return new FuzzReport(target, seed, executions, clock.Elapsed, slowest, outcomes, findings);
    }
}
