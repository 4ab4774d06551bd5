using Microsoft.Data.Sqlite;
using PluginHost.Configuration;

namespace PluginHost.Training;

/// <summary>
/// <c>MODEL_DIR/annotations.db</c>: the embedded mode's SQLite file holding annotations and training-job records.
/// The schema is created on first use, so a host whose MODEL_DIR is not writable still starts and serves predictions.
/// </summary>
public sealed class SqliteDatabase
{
    private readonly string _connectionString;
    private readonly Lazy<bool> _schema;

    public SqliteDatabase(HostPaths paths)
    {
        Path = System.IO.Path.Combine(paths.ModelDir, "annotations.db");
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 30 }.ToString();
        _schema = new Lazy<bool>(CreateSchema, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public string Path { get; }

    public SqliteConnection Open()
    {
        try
        {
            _ = _schema.Value;
            var connection = new SqliteConnection(_connectionString);
            connection.Open();
            return connection;
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new AnnotationStoreException($"The annotation store {Path} cannot be opened: {ex.Message} (MODEL_DIR must be writable).", ex);
        }
    }

    public static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        command.ExecuteNonQuery();
    }

    public static string Now() => DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    private bool CreateSchema()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, """
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=NORMAL;
            CREATE TABLE IF NOT EXISTS tasks (
              project TEXT NOT NULL, task_id INTEGER NOT NULL, json TEXT NOT NULL, updated_at TEXT NOT NULL,
              PRIMARY KEY (project, task_id));
            CREATE TABLE IF NOT EXISTS annotations (
              project TEXT NOT NULL, annotation_id INTEGER NOT NULL, task_id INTEGER NOT NULL, json TEXT NOT NULL,
              was_cancelled INTEGER NOT NULL, updated_at TEXT NOT NULL,
              PRIMARY KEY (project, annotation_id));
            CREATE INDEX IF NOT EXISTS annotations_by_task ON annotations (project, task_id);
            CREATE TABLE IF NOT EXISTS jobs (
              id TEXT PRIMARY KEY, backend TEXT NOT NULL, project TEXT NOT NULL, state TEXT NOT NULL, json TEXT NOT NULL,
              updated_at TEXT NOT NULL);
            """);
        return true;
    }
}
