// The lines sent before, for Up and Down in the input line, as shells keep them: Up walks back from the
// newest, Down walks forward and, past the newest, gives back what was being typed before Up was pressed.
namespace SecureChat.Cli.Views.Screen;

/// <summary>The input line's history. UI thread only.</summary>
public sealed class InputHistory
{
    private const int Capacity = 500;
    private readonly List<string> _lines = [];
    private int _position;
    private string _draft = string.Empty;

    /// <summary>Remembers <paramref name="line"/> (not twice in a row) and starts the walk afresh.</summary>
    public void Add(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.Length > 0 && (_lines.Count == 0 || _lines[^1] != line))
        {
            _lines.Add(line);
            if (_lines.Count > Capacity)
            {
                _lines.RemoveAt(0);
            }
        }

        _position = _lines.Count;
        _draft = string.Empty;
    }

    /// <summary>The line before the one shown, or null at the oldest; <paramref name="current"/> is kept as the draft.</summary>
    public string? Previous(string current)
    {
        if (_position == 0)
        {
            return null;
        }

        if (_position == _lines.Count)
        {
            _draft = current;
        }

        return _lines[--_position];
    }

    /// <summary>The line after the one shown, the draft past the newest, or null when not walking.</summary>
    public string? Next()
    {
        if (_position >= _lines.Count)
        {
            return null;
        }

        _position++;
        return _position == _lines.Count ? _draft : _lines[_position];
    }
}
