using System.Net.Http;
using System.Text;
using System.Text.Json;

namespace PluginHost.ReloadStress;

/// <summary>Label Studio traffic for the two trained backends and the edited script.</summary>
internal static class Traffic
{
    public const string SentimentConfig = """<View><Text name="text" value="$text"/><Choices name="sentiment" toName="text" choice="single-radio"><Choice value="Positive"/><Choice value="Negative"/></Choices></View>""";

    public const string NerConfig = """<View><Labels name="label" toName="text"><Label value="PER"/><Label value="ORG"/><Label value="LOC"/></Labels><Text name="text" value="$text"/></View>""";

    private static readonly (string Text, string Label)[] Sentiment =
    [
        ("I love this product, it is great", "Positive"), ("Excellent quality and wonderful support", "Positive"),
        ("Great value, I am very happy with it", "Positive"), ("Wonderful experience, love it", "Positive"),
        ("Terrible product, I hate it", "Negative"), ("Awful quality and horrible support", "Negative"),
        ("Broken on arrival, terrible and awful", "Negative"), ("Worst purchase ever, I hate this", "Negative"),
    ];

    private static readonly (string Text, (string Word, string Label)[] Spans)[] Entities =
    [
        ("Alice Smith joined Contoso in Paris.", [("Alice Smith", "PER"), ("Contoso", "ORG"), ("Paris", "LOC")]),
        ("Bob Jones left Fabrikam for Berlin.", [("Bob Jones", "PER"), ("Fabrikam", "ORG"), ("Berlin", "LOC")]),
        ("Carol White met Northwind staff in Madrid.", [("Carol White", "PER"), ("Northwind", "ORG"), ("Madrid", "LOC")]),
        ("Dave Brown visited Litware in Rome.", [("Dave Brown", "PER"), ("Litware", "ORG"), ("Rome", "LOC")]),
        ("Erin Green works for Tailspin near Oslo.", [("Erin Green", "PER"), ("Tailspin", "ORG"), ("Oslo", "LOC")]),
        ("Frank Black sold Adatum shares in Vienna.", [("Frank Black", "PER"), ("Adatum", "ORG"), ("Vienna", "LOC")]),
    ];

    // One Label Studio project per trained backend: a project has one label config.
    public const int SentimentProject = 6;
    public const int NerProject = 7;

    public static readonly string SentimentPredict = Predict("What a wonderful and great experience", SentimentConfig, SentimentProject);

    public static readonly string NerPredict = Predict("Grace Hall joined Contoso in Lisbon.", NerConfig, NerProject);

    private static string Escape(string s) => JsonSerializer.Serialize(s);

    private static string Project(string config, int project) => $$"""{"id":{{project}},"title":"Stress","label_config":{{Escape(config)}} }""";

    public static string StartTraining(string config, int project) => $$"""{"action":"START_TRAINING","project":{{Project(config, project)}}}""";

    private static string Predict(string text, string config, int project) => $$"""
        {"tasks":[{"id":1,"data":{"text":{{Escape(text)}}},"project":{{project}}}],"project":"{{project}}.1710967805","label_config":{{Escape(config)}},"params":{"context":null} }
        """;

    /// <summary>The edited script: a trivial choices backend whose answer names its edit number.</summary>
    public static string Script(int edit) => $$"""
        // Edit {{edit}}
        public sealed class Churn : ILabelStudioBackend
        {
            public ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, CancellationToken cancellationToken) =>
                ValueTask.FromResult<IReadOnlyList<Prediction>>(context.Tasks.Select(_ => Prediction.Empty("edit-{{edit}}")).ToList());
        }
        """;

    /// <summary>Stores the annotations both trained backends learn from (one webhook each, as Label Studio sends them).</summary>
    public static async Task SeedAsync(HttpClient http)
    {
        var id = 100;
        foreach (var (text, label) in Sentiment)
        {
            id++;
            var result = $$"""[{"value":{"choices":[{{Escape(label)}}]},"id":"r{{id}}","from_name":"sentiment","to_name":"text","type":"choices","origin":"manual"}]""";
            await PostCreatedAsync(http, "textclassifier", id, text, result, SentimentConfig, SentimentProject);
        }
        foreach (var (text, spans) in Entities)
        {
            id++;
            var regions = spans.Select((s, i) =>
            {
                var start = text.IndexOf(s.Word, StringComparison.Ordinal);
                return $$"""{"id":"r{{id}}_{{i}}","from_name":"label","to_name":"text","type":"labels","origin":"manual","value":{"start":{{start}},"end":{{start + s.Word.Length}},"text":{{Escape(s.Word)}},"labels":["{{s.Label}}"]} }""";
            });
            await PostCreatedAsync(http, "ner", id, text, $"[{string.Join(",", regions)}]", NerConfig, NerProject);
        }
    }

    private static async Task PostCreatedAsync(HttpClient http, string route, int id, string text, string result, string config, int project)
    {
        var body = $$"""
            {"action":"ANNOTATION_CREATED","annotation":{"id":{{id}},"result":{{result}},"was_cancelled":false,"ground_truth":false,"task":{{id}},"project":{{project}}},
             "task":{"id":{{id}},"data":{"text":{{Escape(text)}}},"project":{{project}}},"project":{{Project(config, project)}}}
            """;
        using var response = await http.PostAsync($"{route}/webhook", new StringContent(body, Encoding.UTF8, "application/json"));
        if ((int)response.StatusCode != 201) throw new InvalidOperationException($"{route} webhook answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
