namespace PluginHost.Scripts;

/// <summary>
/// One problem in a script, formatted as compilers do (<c>file(line,col): error CODE: message</c>) with the line and
/// column (1-based) in the file the user edits. Codes <c>CSxxxx</c> come from Roslyn, <c>PHSxxx</c> from the host's
/// handling of <c>#r</c>/<c>#load</c>.
/// </summary>
public sealed record ScriptDiagnostic(string File, int Line, int Column, string Severity, string Code, string Message)
{
    public const string ReferenceNotFound = "PHS001";
    public const string LoadNotFound = "PHS002";
    public const string LoadCycle = "PHS003";
    public const string MalformedDirective = "PHS004";
    public const string ReadFailed = "PHS005";

    public bool IsError => Severity == "error";

    public override string ToString() => $"{File}({Line},{Column}): {Severity} {Code}: {Message}";
}
