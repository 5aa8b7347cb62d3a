// The entry point the two apps share: parse, then run the chat or a key/peers command. Program.cs of
// User1 and User2 is one line that calls RunAsync with its role.
using System.CommandLine;
using Microsoft.Extensions.Logging;
using SecureChat.Cli.Commands;
using SecureChat.Cli.Home;
using SecureChat.Cli.Network;
using SecureChat.Cli.Trust;
using SecureChat.Cli.Views;
using SecureChat.Cli.Views.Line;
using SecureChat.Cli.Views.Script;
using SecureChat.Crypto;
using SecureChat.Crypto.Identity;

namespace SecureChat.Cli;

/// <summary>Runs User1 or User2.</summary>
public static class ChatApplication
{
    /// <summary>Parses <paramref name="args"/>, runs what they ask for, and returns the exit code.</summary>
    public static async Task<int> RunAsync(ChatRole role, string[] args, ChatConsole console)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        SocketTuning.PreferInlineCompletions();
        var commandLine = new ChatCommandLine(role, console.IsInteractive);
        commandLine.Root.SetAction((result, ct) => ChatAsync(commandLine, result, console, ct));
        commandLine.KeyShow.SetAction(result => KeyCommand(commandLine, result, console, rotate: false, mustBeNew: false));
        commandLine.KeyGenerate.SetAction(result => KeyCommand(commandLine, result, console, rotate: false, mustBeNew: true));
        commandLine.KeyRotate.SetAction(result => KeyCommand(commandLine, result, console, rotate: true, mustBeNew: false));
        commandLine.KeyPsk.SetAction(_ =>
        {
            console.Out.WriteLine(PskStrength.Generate());
            console.Error.WriteLine("A new 256-bit pre-shared key. Save it with chmod 600 (or in your password manager), give it to your peer over a safe channel, and use it with --psk-file or --psk-env.");
            return ExitCode.Success;
        });
        commandLine.PeersList.SetAction(result => PeersCommand(commandLine, result, console, forget: null));
        commandLine.PeersForget.SetAction(result => PeersCommand(commandLine, result, console, forget: result.GetValue(commandLine.ForgetTarget)));
        commandLine.FilesClean.SetAction(result => FilesCleanCommand(result.GetValue(commandLine.CleanFolder), console));
        ParseResult parse = commandLine.Root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (System.CommandLine.Parsing.ParseError error in parse.Errors)
            {
                await console.Error.WriteLineAsync(error.Message).ConfigureAwait(false);
            }

            await console.Error.WriteLineAsync($"Try '{commandLine.ProgramName} --help'.").ConfigureAwait(false);
            return ExitCode.Usage;
        }

        return await parse.InvokeAsync(new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            ProcessTerminationTimeout = TimeSpan.FromSeconds(15), // longer than a goodbye may take (the frame timeout)
        }).ConfigureAwait(false);
    }

    private static async Task<int> ChatAsync(ChatCommandLine commandLine, ParseResult result, ChatConsole console, CancellationToken cancellationToken)
    {
        ChatSettings settings = commandLine.ToSettings(result) with { Invocation = console.Invocation ?? AppInvocation.Detect(commandLine.ProgramName, console.Environment) };
        using ILoggerFactory loggers = CreateLoggers(settings.Verbosity);
        IChatTerminal terminal = console.IsInteractive
            ? new InteractiveTerminal(console.Out, $"{settings.Name}> ", console.UseColour)
            : new ScriptedTerminal(console.In, console.Out, console.Error);
        using var runner = new ChatRunner(settings, terminal, loggers.CreateLogger("SecureChat"), console.Environment);
        return await runner.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    private static int KeyCommand(ChatCommandLine commandLine, ParseResult result, ChatConsole console, bool rotate, bool mustBeNew)
    {
        ChatHome home = ChatHome.Resolve(result.GetValue(commandLine.Home), commandLine.ProgramName, result.GetValue(commandLine.Name)!, console.Environment);
        try
        {
            home.ThrowIfIdentityLeftBehind();
            home.CheckStrictModes(pskFile: null);
            if (rotate)
            {
                string? old = File.Exists(home.IdentityKeyPath) ? LoadFingerprint(home) : null;
                using IdentityKey rotated = home.RotateIdentity();
                console.Out.WriteLine($"New identity key {rotated.Fingerprint} in {home.IdentityKeyPath}.");
                if (old is not null)
                {
                    console.Error.WriteLine($"It replaces {old}. Your peers will see a changed key and refuse it until they run '{Peer(commandLine)} peers forget {result.GetValue(commandLine.Name)}'.");
                }

                return ExitCode.Success;
            }

            if (mustBeNew && File.Exists(home.IdentityKeyPath))
            {
                console.Error.WriteLine($"You already have an identity key ({LoadFingerprint(home)}) in {home.IdentityKeyPath}. Use 'key rotate' to replace it.");
                return ExitCode.Configuration;
            }

            using IdentityKey key = home.LoadOrCreateIdentity(out bool created);
            console.Out.WriteLine(key.Fingerprint.ToString());
            console.Error.WriteLine(created ? $"Created {home.IdentityKeyPath}." : $"From {home.IdentityKeyPath}.");
            return ExitCode.Success;
        }
        catch (Exception e) when (e is KeyFileException or IOException or UnauthorizedAccessException or ConfigurationException)
        {
            console.Error.WriteLine(e.Message);
            return ExitCode.Configuration;
        }
    }

    private static int PeersCommand(ChatCommandLine commandLine, ParseResult result, ChatConsole console, string? forget)
    {
        ChatHome home = ChatHome.Resolve(result.GetValue(commandLine.Home), commandLine.ProgramName, console.Environment);
        try
        {
            home.CheckStrictModes(pskFile: null);
            KnownPeers known = KnownPeers.Load(home.KnownPeersPath);
            if (forget is null)
            {
                foreach (KnownPeer peer in known.Entries)
                {
                    console.Out.WriteLine($"{peer.Label,-32} {peer.Fingerprint}  since {peer.FirstSeen:yyyy-MM-dd}");
                }

                if (known.Entries.Count == 0)
                {
                    console.Error.WriteLine($"No known peers yet ({home.KnownPeersPath}).");
                }

                return ExitCode.Success;
            }

            HashSet<string> before = [.. known.Entries.Select(e => Convert.ToHexStringLower(e.Fingerprint.Hash))];
            int removed = known.Forget(forget);
            console.Error.WriteLine(removed == 0 ? $"No known peer matches {forget}." : $"Forgot {removed} entr{(removed == 1 ? "y" : "ies")} for {forget}.");
            if (removed > 0)
            {
                before.ExceptWith(KnownPeers.Load(home.KnownPeersPath).Entries.Select(e => Convert.ToHexStringLower(e.Fingerprint.Hash)));
                ForgetPartialFiles(before, result.GetValue(commandLine.ForgetFolder), console);
            }

            return removed == 0 ? ExitCode.Usage : ExitCode.Success;
        }
        catch (Exception e) when (e is KnownPeersException or IOException or UnauthorizedAccessException or ConfigurationException)
        {
            console.Error.WriteLine(e.Message);
            return ExitCode.Configuration;
        }
    }

    /// <summary>files clean: every partial file in the receive folder goes.</summary>
    private static int FilesCleanCommand(string? folder, ChatConsole console)
    {
        string? path = folder ?? Files.ReceiveFolder.DefaultPath(console.Environment);
        if (path is null || !Directory.Exists(path))
        {
            console.Error.WriteLine($"There is no receive folder {path}; nothing to clean.");
            return ExitCode.Success;
        }

        try
        {
            int removed = new Files.PartialFiles(new Files.ReceiveFolder(path)).RemoveAll(peer: null);
            console.Error.WriteLine($"Removed {removed} partial file(s) from {path}.");
            return ExitCode.Success;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            console.Error.WriteLine(e.Message);
            return ExitCode.Configuration;
        }
    }

    /// <summary>
    /// Forgetting a peer's key forgets its partial files too: in the default receive folder and in the
    /// --accept-files folder when one is given; a line names each folder that was cleaned.
    /// </summary>
    private static void ForgetPartialFiles(IReadOnlyCollection<string> peers, string? acceptFiles, ChatConsole console)
    {
        string?[] candidates = [Files.ReceiveFolder.DefaultPath(console.Environment), acceptFiles];
        foreach (string path in candidates.OfType<string>().Select(p => Path.TrimEndingDirectorySeparator(Path.GetFullPath(p))).Distinct(StringComparer.Ordinal))
        {
            if (!Directory.Exists(path))
            {
                continue;
            }

            var partials = new Files.PartialFiles(new Files.ReceiveFolder(path));
            int removed = peers.Sum(peer => partials.RemoveAll(peer));
            console.Error.WriteLine($"Removed {removed} partial file(s) they had sent into {path}.");
        }
    }

    private static string LoadFingerprint(ChatHome home)
    {
        using IdentityKey key = IdentityKey.Load(home.IdentityKeyPath);
        return key.Fingerprint.ToString();
    }

    private static string Peer(ChatCommandLine commandLine) => commandLine.Role == ChatRole.Listener ? "User2" : "User1";

    /// <summary>Logs go to stderr only, so stdout carries nothing but the conversation.</summary>
    private static ILoggerFactory CreateLoggers(LogLevel level) => LoggerFactory.Create(builder => builder
        .SetMinimumLevel(level)
        .AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace)
        .AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "HH:mm:ss ";
        }));
}
