using PluginHost.Scripts;

namespace PluginHost.Tests;

/// <summary>The <c>#r</c>/<c>#load</c> header of a script: read, then blanked without moving any other character.</summary>
public sealed class ScriptDirectivesTests
{
    [Fact]
    public void Directives_after_comments_are_read_and_blanked_keeping_every_line_and_length()
    {
        const string Text = "#!/usr/bin/env dotnet\r\n// header\r\n/* block\r\n   comment */\r\n  #r \"libs/a.dll\" // why\r\n#load \"b.csx\"\r\nusing X;\r\n#r \"late.dll\"\r\n";
        var (code, directives, problems) = ScriptDirectives.Parse(Text);

        Assert.Empty(problems);
        Assert.Equal([new ScriptDirective("r", "libs/a.dll", 5, 3), new ScriptDirective("load", "b.csx", 6, 1)], directives);
        Assert.Equal(Text.Length, code.Length);
        Assert.Equal(Text.Split('\n').Select(l => l.Length), code.Split('\n').Select(l => l.Length));
        Assert.DoesNotContain("#r \"libs", code);
        Assert.DoesNotContain("#load", code);
        Assert.Contains("using X;", code);
        // After the first line of code a directive is left alone: the compiler reports it where it stands.
        Assert.Contains("#r \"late.dll\"", code);
    }

    [Theory]
    [InlineData("#r libs/a.dll", "Malformed #r")]
    [InlineData("#load \"b.csx\" trailing", "Malformed #load")]
    [InlineData("#r \"\"", "#r needs a path")]
    public void Malformed_directives_are_problems_at_their_line(string line, string message)
    {
        var (_, directives, problems) = ScriptDirectives.Parse("// x\n" + line + "\nclass C;");
        Assert.Empty(directives);
        var (problemLine, column, text) = Assert.Single(problems);
        Assert.Equal(2, problemLine);
        Assert.Equal(1, column);
        Assert.Contains(message, text);
    }

    [Fact]
    public void Region_and_other_preprocessor_lines_are_code_not_directives()
    {
        var (code, directives, _) = ScriptDirectives.Parse("#region rules\nclass C;\n#endregion\n");
        Assert.Empty(directives);
        Assert.StartsWith("#region rules", code);
    }
}
