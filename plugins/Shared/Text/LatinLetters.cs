namespace PluginHost.Plugins.Text;

/// <summary>
/// The base letter of each accented Latin-1 and Latin Extended-A letter ("é" → "e"), as Unicode decomposition (NFD) and
/// removal of the marks would give: the host runs with invariant globalization, where <c>string.Normalize</c> leaves
/// accented letters in place.
/// </summary>
internal static class LatinLetters
{
    private const string Latin1 = "AAAAAA\0CEEEEIIII\0NOOOOO\0\0UUUUY\0\0aaaaaa\0ceeeeiiii\0nooooo\0\0uuuuy\0y";
    private const string LatinExtendedA = "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIi\0\0JjKk\0LlLlLlLlLlNnNnNn\0\0\0OoOoOo\0\0RrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZz\0";

    public static char Unaccent(char c)
    {
        var mapped = c switch
        {
            >= '\u00C0' and <= '\u00FF' => Latin1[c - 0xC0],
            >= '\u0100' and <= '\u017F' => LatinExtendedA[c - 0x100],
            _ => '\0',
        };
        return mapped == '\0' ? c : mapped;
    }
}
