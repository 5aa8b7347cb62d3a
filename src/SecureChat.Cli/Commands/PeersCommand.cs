// peers list | forget: the known_peers file of this app's home. Forgetting a peer's key forgets its partial
// files too: in the default receive folder and in the --accept-files folder when one is given.
using System.CommandLine;
using SecureChat.Cli.Files;
using SecureChat.Cli.Home;
using SecureChat.Cli.Trust;

namespace SecureChat.Cli.Commands;

/// <summary>The peers subcommands.</summary>
internal sealed class PeersCommand : Command
{
    private readonly ChatCommand _root;
    private readonly ChatConsole _console;

    /// <summary>The peers command of <paramref name="root"/>, writing to <paramref name="console"/>.</summary>
    public PeersCommand(ChatCommand root, ChatConsole console)
        : base("peers", "The peers you know (the known_peers file).")
    {
        ArgumentNullException.ThrowIfNull(root);
        _root = root;
        _console = console;
        List = new Command("list", "List the peers you know and their fingerprints.");
        Target = new Argument<string>("peer") { Description = "A name, an address (host:port) or a fingerprint." };
        Folder = ChatCommand.ReceiveFolderOption("Also remove the forgotten peer's partial files from this receive folder (those in the default one always go).", mustExist: false);
        Forget = new Command("forget", "Forget a known peer's key, for example after it was rotated, with its partial files.") { Target, Folder };
        List.SetAction(RunList);
        Forget.SetAction(RunForget);
        Subcommands.Add(List);
        Subcommands.Add(Forget);
    }

    /// <summary>peers list.</summary>
    public Command List { get; }

    /// <summary>peers forget.</summary>
    public Command Forget { get; }

    /// <summary>The peer argument of peers forget.</summary>
    public Argument<string> Target { get; }

    /// <summary>The --accept-files folder of peers forget, cleaned besides the default one.</summary>
    public Option<string?> Folder { get; }

    private ChatHome Home(ParseResult result) => ChatHome.Resolve(result.GetValue(_root.Home), _root.ProgramName, _console.Environment);

    private int RunList(ParseResult result) => CommandFailures.Report(_console, () =>
    {
        ChatHome home = Home(result);
        home.CheckStrictModes(pskFile: null);
        KnownPeers known = KnownPeers.Load(home.KnownPeersPath);
        foreach (KnownPeer peer in known.Entries)
        {
            _console.Out.WriteLine($"{peer.Label,-32} {peer.Fingerprint}  since {peer.FirstSeen:yyyy-MM-dd}");
        }

        if (known.Entries.Count == 0)
        {
            _console.Error.WriteLine($"No known peers yet ({home.KnownPeersPath}).");
        }
    });

    private int RunForget(ParseResult result) => CommandFailures.Report(_console, () =>
    {
        string forget = result.GetValue(Target)!;
        ChatHome home = Home(result);
        home.CheckStrictModes(pskFile: null);
        KnownPeers known = KnownPeers.Load(home.KnownPeersPath);
        HashSet<string> before = [.. known.Entries.Select(e => Convert.ToHexStringLower(e.Fingerprint.Hash))];
        int removed = known.Forget(forget);
        if (removed == 0)
        {
            throw new UsageException($"No known peer matches {forget}.");
        }

        _console.Error.WriteLine($"Forgot {removed} entr{(removed == 1 ? "y" : "ies")} for {forget}.");
        before.ExceptWith(KnownPeers.Load(home.KnownPeersPath).Entries.Select(e => Convert.ToHexStringLower(e.Fingerprint.Hash)));
        ForgetPartialFiles(before, result.GetValue(Folder));
    });

    private void ForgetPartialFiles(IReadOnlyCollection<string> peers, string? acceptFiles)
    {
        string?[] candidates = [ReceiveFolder.DefaultPath(_console.Environment), acceptFiles];
        foreach (string path in candidates.OfType<string>().Select(p => Path.TrimEndingDirectorySeparator(Path.GetFullPath(p))).Distinct(StringComparer.Ordinal))
        {
            if (!Directory.Exists(path))
            {
                continue;
            }

            var partials = new PartialFiles(new ReceiveFolder(path));
            int removed = peers.Sum(peer => partials.RemoveAll(peer));
            _console.Error.WriteLine($"Removed {removed} partial file(s) they had sent into {path}.");
        }
    }
}
