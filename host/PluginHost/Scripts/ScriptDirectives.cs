using System.Text;

namespace PluginHost.Scripts;

/// <summary>A <c>#r "…"</c> or <c>#load "…"</c> line at the top of a script file (1-based line and column).</summary>
internal sealed record ScriptDirective(string Kind, string Argument, int Line, int Column);

/// <summary>
/// Reads the <c>#r</c>/<c>#load</c> lines that open a script file and blanks them in place (spaces of the same
/// length), so the rest compiles as ordinary C# with every line and column where the user wrote it.
/// As in C# scripts, directives come before any code; only blank lines and comments may precede them.
/// </summary>
internal static class ScriptDirectives
{
    public static (string Code, IReadOnlyList<ScriptDirective> Directives, IReadOnlyList<(int Line, int Column, string Message)> Problems) Parse(string text)
    {
        var directives = new List<ScriptDirective>();
        var problems = new List<(int, int, string)>();
        var code = new StringBuilder(text);
        var inBlockComment = false;
        var lineStart = 0;
        for (var lineNumber = 1; lineStart <= text.Length; lineNumber++)
        {
            var lineEnd = text.IndexOf('\n', lineStart);
            if (lineEnd < 0) lineEnd = text.Length;
            var line = text.AsSpan(lineStart, lineEnd - lineStart).TrimEnd('\r');
            var trimmed = line.TrimStart();
            var column = line.Length - trimmed.Length + 1;

            if (inBlockComment)
            {
                inBlockComment = trimmed.IndexOf("*/") < 0;
            }
            else if (trimmed.IsEmpty || trimmed.StartsWith("//") || trimmed.StartsWith("#!"))
            {
                // Blank, a line comment or a shebang: keep looking for directives.
                if (trimmed.StartsWith("#!")) Blank(code, lineStart, line.Length);
            }
            else if (trimmed.StartsWith("/*"))
            {
                inBlockComment = trimmed[2..].IndexOf("*/") < 0;
            }
            else if (IsDirective(trimmed, "r") || IsDirective(trimmed, "load"))
            {
                var kind = IsDirective(trimmed, "r") ? "r" : "load";
                var argument = trimmed[(1 + kind.Length)..].Trim();
                // Everything after the closing quote must be a comment or nothing.
                if (argument.Length >= 2 && argument[0] == '"' && argument[1..].IndexOf('"') is var close and >= 0
                    && (argument[(close + 2)..].Trim() is var rest && (rest.IsEmpty || rest.StartsWith("//"))))
                {
                    var value = argument.Slice(1, close).ToString();
                    if (value.Length == 0) problems.Add((lineNumber, column, $"#{kind} needs a path: #{kind} \"path\"."));
                    else directives.Add(new ScriptDirective(kind, value, lineNumber, column));
                }
                else
                {
                    problems.Add((lineNumber, column, $"Malformed #{kind}: write #{kind} \"path\" (a quoted path)."));
                }
                Blank(code, lineStart, line.Length);
            }
            else
            {
                break; // First line of code: directives end here (a later #r is the compiler's to report).
            }
            lineStart = lineEnd + 1;
        }
        return (code.ToString(), directives, problems);
    }

    private static void Blank(StringBuilder code, int start, int length)
    {
        for (var i = start; i < start + length; i++) code[i] = ' ';
    }

    private static bool IsDirective(ReadOnlySpan<char> line, string name) =>
        line.Length > name.Length + 1 && line[0] == '#' && line[1..].StartsWith(name, StringComparison.Ordinal)
        && (line.Length == name.Length + 1 || char.IsWhiteSpace(line[name.Length + 1]) || line[name.Length + 1] == '"');
}
