// Who we are for one run: the identity key and the pre-shared key, loaded together from the home folder and
// the command line, and owned together, so that one Dispose wipes both. Every file they come from passes
// StrictModes first; secret files are read through OwnerOnlyFile, the one owner-only check.
using System.Security.Cryptography;
using System.Text;
using SecureChat.Cli.Commands;
using SecureChat.Cli.Trust;
using SecureChat.Crypto;
using SecureChat.Crypto.Identity;
using SecureChat.Crypto.Secrets;

namespace SecureChat.Cli.Home;

/// <summary>The identity key and the optional pre-shared key of one run; disposing wipes both.</summary>
public sealed class ChatIdentity : IDisposable
{
    /// <summary>A PSK file larger than this is not a key (and is not read into memory).</summary>
    private const int MaxPskFileSize = 64 * 1024;

    private ChatIdentity(ChatHome home, IdentityKey key, Secret? psk, bool created)
    {
        Home = home;
        Key = key;
        PreSharedKey = psk;
        Created = created;
    }

    /// <summary>The home folder the key and the known peers live in.</summary>
    public ChatHome Home { get; }

    /// <summary>Our identity key.</summary>
    public IdentityKey Key { get; }

    /// <summary>The pre-shared key, when one was given.</summary>
    public Secret? PreSharedKey { get; }

    /// <summary>Whether the identity key was created by this load (the first run).</summary>
    public bool Created { get; }

    /// <summary>
    /// Loads (or, on the first run, creates) the identity of <paramref name="settings"/>, checks that the known
    /// peers can be read, and loads the PSK from <c>--psk-file</c> or <c>--psk-env</c>.
    /// </summary>
    /// <exception cref="ConfigurationException">A file is unsafe or unreadable, or the PSK is missing or weak.</exception>
    /// <exception cref="KeyFileException">The identity key file cannot be used.</exception>
    /// <exception cref="KnownPeersException">The known-peers file is malformed.</exception>
    public static ChatIdentity Load(ChatSettings settings, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(environment);
        ChatHome home = ChatHome.Resolve(settings.Home, settings.ProgramName, settings.Name, environment);
        IdentityKey? key = null;
        try
        {
            home.ThrowIfIdentityLeftBehind();
            home.CheckStrictModes(settings.PskFile);
            key = home.LoadOrCreateIdentity(out bool created);
            _ = KnownPeers.Load(home.KnownPeersPath); // a malformed file is reported now, not mid-handshake
            Secret? psk = LoadPsk(settings, environment);
            return new ChatIdentity(home, key, psk, created);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            key?.Dispose();
            throw new ConfigurationException(e.Message, e);
        }
        catch
        {
            key?.Dispose();
            throw;
        }
    }

    /// <summary>Wipes the identity key and the pre-shared key.</summary>
    public void Dispose()
    {
        Key.Dispose();
        PreSharedKey?.Dispose();
    }

    private static Secret? LoadPsk(ChatSettings settings, Func<string, string?> environment)
    {
        string invocation = settings.Invocation ?? settings.ProgramName;
        if (settings.PskFile is { } file)
        {
            byte[] bytes;
            try
            {
                bytes = OwnerOnlyFile.Read(file, MaxPskFileSize, "a pre-shared key");
            }
            catch (KeyFileException e)
            {
                throw new ConfigurationException($"Cannot use the pre-shared key file: {e.Message}", e);
            }

            try
            {
                int length = bytes.Length;
                while (length > 0 && bytes[length - 1] is (byte)'\n' or (byte)'\r')
                {
                    length--; // an editor's trailing newline is not part of the key
                }

                return length == 0 ? throw new ConfigurationException($"The pre-shared key file {file} is empty.")
                    : Strong(bytes.AsSpan(0, length), $"the file {file}", $"{invocation} key psk > {AppInvocation.ShellWord(file)} && chmod 600 {AppInvocation.ShellWord(file)}");
            }
            finally
            {
                CryptographicOperations.ZeroMemory(bytes);
            }
        }

        if (settings.PskVariable is { } variable)
        {
            string value = environment(variable) is { Length: > 0 } v
                ? v
                : throw new ConfigurationException($"The environment variable {variable} (given with --psk-env) is not set or empty.");
            byte[] bytes = Encoding.UTF8.GetBytes(value);
            try
            {
                return Strong(bytes, $"the environment variable {variable}", $"export {variable}=\"$({invocation} key psk)\"");
            }
            finally
            {
                CryptographicOperations.ZeroMemory(bytes);
            }
        }

        return null;
    }

    /// <summary>The PSK as a secret, unless it could be guessed: a short or low-entropy key falls to an online or offline search.</summary>
    private static Secret Strong(ReadOnlySpan<byte> psk, string source, string remedy) =>
        PskStrength.IsStrong(psk) ? Secret.Copy(psk) : throw new ConfigurationException(
            $"The pre-shared key in {source} is too weak: {psk.Length} bytes with about {PskStrength.EstimateBits(psk):0} bits of plausible entropy, " +
            $"and at least {PskStrength.MinimumBytes} bytes and {PskStrength.MinimumBits} bits are needed, because anyone who sees one handshake can test guesses offline. " +
            $"Make a random one and give the same to your peer: {remedy}");
}
