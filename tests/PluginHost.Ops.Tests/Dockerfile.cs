using System.Text.Json;
using System.Text.RegularExpressions;

namespace PluginHost.Ops.Tests;

/// <summary>A Dockerfile's instructions (continuation lines joined, comments dropped): enough to check what it declares.</summary>
internal static class Dockerfile
{
    public sealed record Instruction(string Name, string Arguments);

    public static List<Instruction> Parse(string text)
    {
        var joined = Regex.Replace(text, @"\\\r?\n", " ");
        return joined.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(' ', 2))
            .Select(p => new Instruction(p[0].ToUpperInvariant(), Regex.Replace(p.Length > 1 ? p[1] : "", @"\s+", " ").Trim()))
            .ToList();
    }

    /// <summary>The <c>ENV name=value …</c> pairs of the given instructions.</summary>
    public static Dictionary<string, string> Environment(IEnumerable<Instruction> instructions) =>
        instructions.Where(i => i.Name == "ENV")
            .SelectMany(i => Regex.Matches(i.Arguments, @"(\w+)=(\S+)"))
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);

    /// <summary>The exec form <c>["a", "b"]</c> of an instruction's arguments.</summary>
    public static string[] JsonArray(string arguments) => JsonSerializer.Deserialize<string[]>(arguments)!;
}
