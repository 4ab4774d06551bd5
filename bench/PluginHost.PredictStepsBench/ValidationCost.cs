using System.Diagnostics;
using PluginHost.Invocation;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;

namespace PluginHost.PredictStepsBench;

/// <summary>CPU time of the validation step's two paths on the substring answer of the interactive benchmark (one
/// prediction of four spans): the typed fast path every such answer takes, and the full validator the rest take.</summary>
internal static class ValidationCost
{
    public static void Run()
    {
        var config = LabelConfig.Parse("""
            <View><Labels name="label" toName="text"><Label value="ORG"/><Label value="PERSON"/><Label value="LOC"/><Label value="MISC"/></Labels><Text name="text" value="$text"/></View>
            """);
        var regions = new[] { 32, 80, 120, 150 }.Select(start => Regions.Span("label", "text", start, start + 5, "Apple", ["ORG"], score: 0.8)).ToList();
        var prediction = new Prediction(regions, 0.8, "substring-1");
        for (var round = 0; round < 2; round++)
        {
            Measure("typed fast path", () => TypedPredictionCheck.IsCertainlyValid(prediction, config), print: round == 1);
            Measure("full validator (PredictionSanitizer)", () => PredictionSanitizer.Sanitize(prediction, config).IsValid, print: round == 1);
        }
    }

    private static void Measure(string what, Func<bool> check, bool print)
    {
        const int Calls = 200_000;
        var valid = 0;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < Calls; i++) valid += check() ? 1 : 0;
        var spent = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        if (print) Console.WriteLine($"{what}: {spent.TotalMicroseconds * 1000 / Calls:F0} ns CPU per prediction of 4 spans ({valid} of {Calls} valid)");
    }
}
