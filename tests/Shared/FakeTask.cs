using System.Text;
using System.Text.Json;

namespace PluginHost.Tests.Shared;

/// <summary>A task of <see cref="FakeLabelStudio"/>: its project, data and imported predictions.</summary>
public sealed class FakeTask(long id, string project, string dataJson)
{
    private readonly List<JsonElement> _predictions = [];

    public long Id { get; } = id;

    public string Project { get; } = project;

    public string DataJson { get; } = dataJson;

    public int PredictionCount
    {
        get { lock (_predictions) return _predictions.Count; }
    }

    public void Add(JsonElement prediction)
    {
        lock (_predictions) _predictions.Add(prediction);
    }

    public IReadOnlyList<JsonElement> Snapshot()
    {
        lock (_predictions) return _predictions.ToList();
    }

    /// <summary>As Label Studio serializes a task with <c>fields=all</c>: predictions carry their <c>model_version</c>.</summary>
    public string ToJson()
    {
        var predictions = Snapshot();
        var json = new StringBuilder();
        json.Append("{\"id\":").Append(Id).Append(",\"data\":").Append(DataJson).Append(",\"project\":").Append(Project)
            .Append(",\"annotations\":[],\"drafts\":[],\"predictions\":[");
        for (var i = 0; i < predictions.Count; i++)
        {
            if (i > 0) json.Append(',');
            var p = predictions[i];
            json.Append("{\"id\":").Append(i + 1).Append(",\"model_version\":")
                .Append(p.TryGetProperty("model_version", out var v) ? v.GetRawText() : "\"undefined\"")
                .Append(",\"result\":").Append(p.TryGetProperty("result", out var r) ? r.GetRawText() : "[]")
                .Append(",\"score\":").Append(p.TryGetProperty("score", out var sc) ? sc.GetRawText() : "null").Append('}');
        }
        json.Append("],\"total_predictions\":").Append(predictions.Count).Append('}');
        return json.ToString();
    }
}
