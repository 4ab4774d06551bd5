using System.Text.Json;
using PluginHost.Http;

namespace PluginHost.Training;

/// <summary>The embedded queue's record of jobs (in <see cref="SqliteDatabase"/>), so a restart can answer old job ids
/// and tell which jobs it interrupted.</summary>
public sealed class TrainingJobLog(SqliteDatabase database)
{
    /// <summary>True once the database file exists (a fresh MODEL_DIR has no jobs to recover).</summary>
    public bool Exists => File.Exists(database.Path);

    public void Save(TrainingJobInfo info)
    {
        using var connection = database.Open();
        SqliteDatabase.Execute(connection, """
            INSERT INTO jobs (id, backend, project, state, json, updated_at) VALUES ($id, $b, $p, $s, $j, $t)
            ON CONFLICT (id) DO UPDATE SET state = excluded.state, json = excluded.json, updated_at = excluded.updated_at
            """, null, ("$id", info.Id), ("$b", info.Backend), ("$p", info.Project), ("$s", info.State),
            ("$j", JsonSerializer.Serialize(info, HostJson.Info<TrainingJobInfo>())), ("$t", SqliteDatabase.Now()));
    }

    public TrainingJobInfo? Load(string id)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT json FROM jobs WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        return command.ExecuteScalar() is string json ? JsonSerializer.Deserialize(json, HostJson.Info<TrainingJobInfo>()) : null;
    }

    /// <summary>The jobs recorded in one of the given states (e.g. queued or running when the process died).</summary>
    public IReadOnlyList<TrainingJobInfo> LoadInState(params string[] states)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        var names = states.Select((_, i) => "$s" + i).ToArray();
        command.CommandText = $"SELECT json FROM jobs WHERE state IN ({string.Join(",", names)})";
        for (var i = 0; i < states.Length; i++) command.Parameters.AddWithValue(names[i], states[i]);
        using var reader = command.ExecuteReader();
        var jobs = new List<TrainingJobInfo>();
        while (reader.Read())
            if (JsonSerializer.Deserialize(reader.GetString(0), HostJson.Info<TrainingJobInfo>()) is { } info) jobs.Add(info);
        return jobs;
    }

    /// <summary>Keeps the newest <paramref name="keep"/> finished jobs.</summary>
    public void Prune(int keep)
    {
        using var connection = database.Open();
        SqliteDatabase.Execute(connection, """
            DELETE FROM jobs WHERE state NOT IN ('queued', 'running') AND id NOT IN
              (SELECT id FROM jobs WHERE state NOT IN ('queued', 'running') ORDER BY updated_at DESC LIMIT $k)
            """, null, ("$k", keep));
    }
}
