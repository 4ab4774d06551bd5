namespace PluginHost.Llm.Tests;

/// <summary>
/// A test against a real provider: it runs only when <c>OPENAI_API_KEY</c> is set (with <c>OPENAI_BASE_URL</c> and
/// <c>OPENAI_MODEL</c> optional) and is reported as skipped, with the reason, otherwise — never as a silent pass.
/// </summary>
public sealed class RealEndpointFactAttribute : FactAttribute
{
    public RealEndpointFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OPENAI_API_KEY")))
            Skip = "Needs a real OpenAI-compatible endpoint: set OPENAI_API_KEY (and optionally OPENAI_BASE_URL, OPENAI_MODEL) to run it.";
    }
}
