using System.Text.Json;
using Microsoft.ML.OnnxRuntime;

namespace PluginHost.SamBench;

/// <summary>
/// <c>--profile</c>: where a decoder-only click's time goes inside ONNX Runtime (its own profiler, per operator type),
/// so a slow click can be told apart as model work (MatMul, ConvTranspose, Resize) or as our own overhead.
/// </summary>
internal static class DecoderProfile
{
    public static void Print(string decoderPath, string work, int runs, Func<InferenceSession, Action> makeRun)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        options.ProfileOutputPathPrefix = Path.Combine(work, "decoder-profile"); // before EnableProfiling, which reads it
        options.EnableProfiling = true;
        string file;
        using (var session = new InferenceSession(decoderPath, options))
        {
            var run = makeRun(session);
            for (var i = 0; i < runs; i++) run();
            file = session.EndProfiling();
        }
        using var profile = JsonDocument.Parse(File.ReadAllText(file));
        var byOp = new Dictionary<string, double>();
        double total = 0, sessionRuns = 0;
        foreach (var e in profile.RootElement.EnumerateArray())
        {
            if (!e.TryGetProperty("dur", out var durElement)) continue;
            var micros = durElement.GetDouble();
            if (e.GetProperty("cat").GetString() == "Session" && e.GetProperty("name").GetString() == "model_run")
            {
                total += micros;
                sessionRuns++;
                continue;
            }
            if (e.GetProperty("cat").GetString() != "Node" || !e.TryGetProperty("args", out var args) || !args.TryGetProperty("op_name", out var op)) continue;
            if (!e.GetProperty("name").GetString()!.EndsWith("_kernel_time", StringComparison.Ordinal)) continue;
            byOp[op.GetString()!] = byOp.GetValueOrDefault(op.GetString()!) + micros;
        }
        var n = Math.Max(1, sessionRuns);
        Console.WriteLine($"Decoder profile (ONNX Runtime, {sessionRuns} runs): {total / n / 1000:0.0} ms per run; by operator type (ms per run):");
        foreach (var (op, micros) in byOp.OrderByDescending(p => p.Value).Take(12))
            Console.WriteLine($"  {op,-16} {micros / n / 1000,7:0.00}");
    }
}
