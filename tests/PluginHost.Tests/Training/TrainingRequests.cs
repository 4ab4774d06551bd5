using System.Text.Json.Nodes;
using static PluginHost.Tests.LabelStudioRequests;

namespace PluginHost.Tests.Training;

/// <summary>Training traffic shaped like a real Label Studio's: webhook payloads (webhooks/serializers), legacy /train bodies.</summary>
public static class TrainingRequests
{
    public const string SentimentConfig = """<View><Text name="text" value="$text"/><Choices name="sentiment" toName="text" choice="single-radio"><Choice value="Positive"/><Choice value="Negative"/></Choices></View>""";

    public const string TopicsConfig = """<View><Text name="text" value="$text"/><Choices name="topics" toName="text" choice="multiple"><Choice value="Sports"/><Choice value="Food"/><Choice value="Music"/></Choices></View>""";

    public const string SentimentConfigWithNeutral = """<View><Text name="text" value="$text"/><Choices name="sentiment" toName="text" choice="single-radio"><Choice value="Positive"/><Choice value="Negative"/><Choice value="Neutral"/></Choices></View>""";

    public static readonly (string Text, string Label)[] Sentiment =
    [
        ("I love this product, it is great", "Positive"),
        ("Excellent quality and wonderful support", "Positive"),
        ("Great value, I am very happy with it", "Positive"),
        ("Wonderful experience, love it, excellent", "Positive"),
        ("Happy with the great service and quality", "Positive"),
        ("Absolutely love it, works great", "Positive"),
        ("Fantastic and excellent, very happy", "Positive"),
        ("Great product, wonderful price, love", "Positive"),
        ("Terrible product, I hate it", "Negative"),
        ("Awful quality and horrible support", "Negative"),
        ("Broken on arrival, terrible and awful", "Negative"),
        ("I hate this, worst purchase ever", "Negative"),
        ("Horrible experience, very disappointed", "Negative"),
        ("Awful, broken, terrible waste of money", "Negative"),
        ("Worst service, I hate it, disappointed", "Negative"),
        ("Terrible price and horrible quality", "Negative"),
    ];

    public static string Setup(string labelConfig, string project = "6.1710967805", string hostname = "http://127.0.0.1:9", string token = "legacy-token", string extraParams = "null") => $$"""
        {"project":"{{project}}","schema":{{Escape(labelConfig)}},"hostname":"{{hostname}}","access_token":"{{token}}","extra_params":{{extraParams}}}
        """;

    public static string TaskJson(long id, string text, int project = 6) => $$"""
        {"id":{{id}},"data":{"text":{{Escape(text)}}},"meta":{},"created_at":"2024-03-20T20:50:22.091Z","updated_at":"2024-03-20T20:51:02.155Z",
         "is_labeled":true,"overlap":1,"inner_id":{{id}},"total_annotations":1,"cancelled_annotations":0,"total_predictions":0,"comment_count":0,
         "unresolved_comment_count":0,"last_comment_updated_at":null,"project":{{project}},"updated_by":1,"file_upload":8,"comment_authors":[]}
        """;

    public static string Annotation(long id, long taskId, IEnumerable<string> choices, string fromName = "sentiment", bool cancelled = false, int project = 6) => $$"""
        {"id":{{id}},"result":[{"value":{"choices":[{{string.Join(",", choices.Select(c => Escape(c)))}}]},"id":"r{{id}}","from_name":"{{fromName}}","to_name":"text","type":"choices","origin":"manual"}],
         "created_username":" admin@example.com, 1","created_ago":"0 minutes","completed_by":1,"was_cancelled":{{(cancelled ? "true" : "false")}},
         "ground_truth":false,"created_at":"2024-03-20T20:51:02.139Z","updated_at":"2024-03-20T20:51:02.139Z","draft_created_at":null,
         "lead_time":4.2,"import_id":null,"last_action":null,"task":{{taskId}},"project":{{project}},"updated_by":1,
         "parent_prediction":null,"parent_annotation":null,"last_created_by":null}
        """;

    public static string Project(string labelConfig, int id = 6) => $$"""
        {"id":{{id}},"title":"Reviews","description":"","label_config":{{Escape(labelConfig)}},"expert_instruction":"","show_instruction":false,
         "show_skip_button":true,"enable_empty_annotation":true,"show_annotation_history":false,"organization":1,"color":"#FFFFFF",
         "maximum_annotations":1,"is_published":false,"model_version":"","is_draft":false,"created_by":{"id":1,"first_name":"","last_name":"","email":"admin@example.com","avatar":null},
         "created_at":"2024-03-20T20:50:05.823Z","min_annotations_to_start_training":0,"start_training_on_annotation_update":false,
         "show_collab_predictions":true,"num_tasks_with_annotations":1,"task_number":16,"useful_annotation_number":1,"ground_truth_number":0,
         "skipped_annotations_number":0,"total_annotations_number":1,"total_predictions_number":0,"sampling":"Sequential sampling",
         "show_ground_truth_first":false,"show_overlap_first":false,"overlap_cohort_percentage":100,"task_data_login":null,"task_data_password":null,
         "control_weights":{},"parsed_label_config":{},"evaluate_predictions_automatically":false,"config_has_control_tags":true,"skip_queue":"REQUEUE_FOR_OTHERS",
         "reveal_preannotations_interactively":false,"pinned_at":null,"finished_task_number":1,"queue_total":15,"queue_done":1}
        """;

    public static string AnnotationCreated(long annotationId, long taskId, string text, IEnumerable<string> choices, string labelConfig = SentimentConfig,
        string fromName = "sentiment", bool cancelled = false, string action = "ANNOTATION_CREATED") => $$"""
        {"action":"{{action}}","annotation":{{Annotation(annotationId, taskId, choices, fromName, cancelled)}},"task":{{TaskJson(taskId, text)}},"project":{{Project(labelConfig)}}}
        """;

    public static string AnnotationsDeleted(params long[] ids) => $$"""
        {"action":"ANNOTATIONS_DELETED","annotations":[{{string.Join(",", ids.Select(i => $$"""{"id":{{i}}}"""))}}],"project":{{Project(SentimentConfig)}}}
        """;

    public static string StartTraining(string labelConfig = SentimentConfig) => $$"""
        {"action":"START_TRAINING","project":{{Project(labelConfig)}}}
        """;

    /// <summary>An exported task (ExportDataSerializer): the task with its annotations, as /train and the export API send it.</summary>
    public static string ExportedTask(long taskId, string text, IEnumerable<string> choices, long annotationId, string fromName = "sentiment", bool cancelled = false)
    {
        var task = JsonNode.Parse(TaskJson(taskId, text))!.AsObject();
        task["annotations"] = new JsonArray(JsonNode.Parse(Annotation(annotationId, taskId, choices, fromName, cancelled)));
        task["predictions"] = new JsonArray();
        task["drafts"] = new JsonArray();
        return task.ToJsonString();
    }

    public static string Export(IEnumerable<(string Text, string Label)> examples, int firstTaskId = 1, string fromName = "sentiment") =>
        "[" + string.Join(",", examples.Select((e, i) => ExportedTask(firstTaskId + i, e.Text, [e.Label], 500 + firstTaskId + i, fromName))) + "]";

    public static string Train(IEnumerable<(string Text, string Label)> examples, string labelConfig = SentimentConfig, string project = "6.1710967805", int firstTaskId = 1,
        string fromName = "sentiment") => $$"""
        {"annotations":{{Export(examples, firstTaskId, fromName)}},"project":"{{project}}","label_config":{{Escape(labelConfig)}},"params":{"login":null,"password":null} }
        """;

    public static string Predict(IEnumerable<string> texts, string labelConfig = SentimentConfig) => Batch(texts, labelConfig);
}
