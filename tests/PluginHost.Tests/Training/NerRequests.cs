using System.Text.Json;
using System.Text.Json.Nodes;
using PluginHost.Plugins.Ner.Training;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;
using static PluginHost.Tests.LabelStudioRequests;

namespace PluginHost.Tests.Training;

/// <summary>
/// Label Studio traffic for a <c>Labels</c>→<c>Text</c> project, shaped like the real thing: annotation results are
/// <c>labels</c> regions with character offsets; <c>ANNOTATIONS_CREATED</c> (import) carries lists under
/// <c>annotation</c> and <c>task</c> (webhooks/models.py: <c>many: True</c> for both).
/// </summary>
public static class NerRequests
{
    public static string Config(params string[] labels) =>
        $"""<View><Labels name="label" toName="text">{string.Concat(labels.Select(l => $"<Label value=\"{l}\"/>"))}</Labels><Text name="text" value="$text"/></View>""";

    public static string Region(string text, CharSpan span, string id) => $$"""
        {"id":"{{id}}","from_name":"label","to_name":"text","type":"labels","origin":"manual",
         "value":{"start":{{span.Start}},"end":{{span.End}},"text":{{Escape(text[span.Start..span.End])}},"labels":[{{Escape(span.Label)}}] } }
        """;

    public static string Annotation(long id, long taskId, AnnotatedText text) => $$"""
        {"id":{{id}},"result":[{{string.Join(",", text.Spans.Select((s, i) => Region(text.Text, s, $"a{id}r{i}")))}}],
         "created_username":" admin@example.com, 1","created_ago":"0 minutes","completed_by":1,"was_cancelled":false,
         "ground_truth":false,"created_at":"2024-03-20T20:51:02.139Z","updated_at":"2024-03-20T20:51:02.139Z","draft_created_at":null,
         "lead_time":12.5,"import_id":null,"last_action":null,"task":{{taskId}},"project":6,"updated_by":1,
         "parent_prediction":null,"parent_annotation":null,"last_created_by":null}
        """;

    /// <summary><c>ANNOTATION_CREATED</c> or <c>ANNOTATION_UPDATED</c>: one annotation with its task and project.</summary>
    public static string AnnotationEvent(long annotationId, long taskId, AnnotatedText text, string labelConfig, string action = "ANNOTATION_CREATED") => $$"""
        {"action":"{{action}}","annotation":{{Annotation(annotationId, taskId, text)}},"task":{{TrainingRequests.TaskJson(taskId, text.Text)}},
         "project":{{TrainingRequests.Project(labelConfig)}}}
        """;

    /// <summary><c>ANNOTATIONS_CREATED</c> (bulk import): parallel lists of annotations and their tasks.</summary>
    public static string AnnotationsCreated(IEnumerable<(long AnnotationId, long TaskId, AnnotatedText Text)> items, string labelConfig)
    {
        var list = items.ToList();
        return $$"""
            {"action":"ANNOTATIONS_CREATED","annotation":[{{string.Join(",", list.Select(i => Annotation(i.AnnotationId, i.TaskId, i.Text)))}}],
             "task":[{{string.Join(",", list.Select(i => TrainingRequests.TaskJson(i.TaskId, i.Text.Text)))}}],
             "project":{{TrainingRequests.Project(labelConfig)}}}
            """;
    }

    /// <summary>An interactive request (smart Labels tool): the annotator's span in <c>params.context.result</c>.</summary>
    public static string Interactive(long taskId, string text, CharSpan prompt, string labelConfig, string project = "6.1710967805") => $$"""
        {"tasks":[{"id":{{taskId}},"data":{"text":{{Escape(text)}}},"meta":{},"created_at":"2024-04-08T14:20:37.285640Z",
          "updated_at":"2024-04-08T14:20:37.285640Z","is_labeled":false,"overlap":1,"inner_id":1,"total_annotations":0,
          "cancelled_annotations":0,"total_predictions":0,"comment_count":0,"unresolved_comment_count":0,
          "last_comment_updated_at":null,"project":6,"updated_by":null,"file_upload":null,"comment_authors":[],
          "annotations":[],"drafts":[],"predictions":[]}],
         "project":"{{project}}","label_config":{{Escape(labelConfig)}},
         "params":{"login":null,"password":null,"context":{"annotation_id":null,"draft_id":0,"user_id":1,
           "result":[{"id":"prompt-1","from_name":"label","to_name":"text","type":"labels","origin":"manual",
                      "value":{"start":{{prompt.Start}},"end":{{prompt.End}},"text":{{Escape(text[prompt.Start..prompt.End])}},"labels":[{{Escape(prompt.Label)}}] } } ] } } }
        """;

    /// <summary>
    /// The spans of one <c>/predict</c> result, after checking what Label Studio would check (PredictionValidator) and
    /// that every region's offsets cut exactly its text out of the task.
    /// </summary>
    public static List<CharSpan> CheckedSpans(JsonNode result, string text, LabelConfig config, string modelVersion)
    {
        Assert.Equal(modelVersion, result["model_version"]!.GetValue<string>());
        using (var json = JsonDocument.Parse(result.ToJsonString()))
        {
            var errors = PredictionValidator.Validate(json.RootElement, config);
            Assert.True(errors.Count == 0, string.Join("; ", errors) + " in " + result.ToJsonString());
        }
        var spans = new List<CharSpan>();
        foreach (var region in result["result"]!.AsArray())
        {
            var value = region!["value"]!;
            int start = value["start"]!.GetValue<int>(), end = value["end"]!.GetValue<int>();
            Assert.Equal("labels", region["type"]!.GetValue<string>());
            Assert.InRange(start, 0, end - 1);
            Assert.InRange(end, start + 1, text.Length);
            Assert.Equal(text[start..end], value["text"]!.GetValue<string>());
            Assert.InRange(region["score"]!.GetValue<double>(), 0, 1);
            spans.Add(new CharSpan(start, end, Assert.Single(value["labels"]!.AsArray())!.GetValue<string>()));
        }
        return spans;
    }

    /// <summary>Entity-level micro P/R/F1 (exact offsets and label), optionally for one label.</summary>
    public static (double Precision, double Recall, double F1) Score(IReadOnlyList<IReadOnlyList<CharSpan>> gold, IReadOnlyList<IReadOnlyList<CharSpan>> predicted,
        string? label = null)
    {
        int truePositives = 0, goldCount = 0, predictedCount = 0;
        for (var i = 0; i < gold.Count; i++)
        {
            var g = gold[i].Where(s => label is null || s.Label == label).ToHashSet();
            var p = predicted[i].Where(s => label is null || s.Label == label).ToHashSet();
            goldCount += g.Count;
            predictedCount += p.Count;
            truePositives += p.Count(g.Contains);
        }
        var precision = predictedCount == 0 ? 0 : (double)truePositives / predictedCount;
        var recall = goldCount == 0 ? 0 : (double)truePositives / goldCount;
        return (precision, recall, precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall));
    }
}
