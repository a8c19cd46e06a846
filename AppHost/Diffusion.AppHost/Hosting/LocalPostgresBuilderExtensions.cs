using Diffusion.AppHost.Hosting;
using Npgsql;

namespace Aspire.Hosting;

/// <summary>PostgreSQL as a local process, for machines without a container engine.</summary>
public static partial class LocalPostgresBuilderExtensions
{
    /// <summary>Where Debian's postgresql-15 package puts initdb and postgres.</summary>
    public const string DefaultBinDirectory = "/usr/lib/postgresql/15/bin";

    private const string Package = "postgresql-15";
    private const string SetPriv = "/usr/bin/setpriv";

    /// <summary>
    /// Adds a PostgreSQL server (binaries from <c>AppHost:PostgresBinDirectory</c>, default <see cref="DefaultBinDirectory"/>;
    /// installed with apt-get when missing and running as root) with its data in <paramref name="dataDirectory"/>, kept
    /// across runs. A one-shot resource <c>{name}-init</c> runs initdb the first time and, every start, gives the user
    /// <c>postgres</c> the password <c>.diffusion/secrets/{name}</c> (made on first run) and makes scram-sha-256 the
    /// only way in (pg_hba.conf), so a cluster made before passwords were used gets them too; the server waits for it
    /// to complete. When the AppHost runs as root, both run as the user <c>postgres</c> (PostgreSQL refuses root).
    /// </summary>
    internal static IResourceBuilder<LocalPostgresResource> AddLocalPostgres(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, string dataDirectory, LocalSecrets secrets)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        var bin = builder.Configuration["AppHost:PostgresBinDirectory"] ?? DefaultBinDirectory;
        var postgresPath = Path.Combine(bin, "postgres");
        var asPostgres = MachinePackages.IsRoot;
        var data = Path.GetFullPath(dataDirectory);
        var password = secrets.Parameter(builder, name);

        builder.Eventing.Subscribe<BeforeStartEvent>((@event, cancellationToken) => MachinePackages.EnsureAsync(
            postgresPath, Package, MachinePackages.IsRoot, @event.Services.GetRequiredService<ILogger<LocalPostgresResource>>(), cancellationToken));

        // initdb once, then the password and scram-sha-256 every start: a shell step, because "only if the directory
        // holds no cluster yet" and the ownership the unprivileged user needs are a few lines of shell, and the step
        // should show on the dashboard with its output. The password reaches it in the environment (a secret
        // parameter) and the server through single-user mode's standard input, never a command line, and no statement
        // is echoed in an error (log_min_error_statement=panic). initdb's "trust" lasts until pg_hba.conf is replaced a
        // few lines on, before the server first starts. A cluster an older AppHost made with trust is converted the
        // same way, its data kept; one that another postmaster serves is refused with a message saying what to do.
        var user = LocalPostgresResource.UserName;
        var runAs = asPostgres ? $"{SetPriv} --reuid={user} --regid={user} --init-groups -- " : "";
        var script = $"""
            set -e
            {(asPostgres ? $"id -u {user} >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin {user}" : "")}
            mkdir -p "$PGDATA" {(asPostgres ? $"&& chown {user}: \"$PGDATA\"" : "")} && chmod 700 "$PGDATA"
            if [ -s "$PGDATA/PG_VERSION" ]; then
              echo "$PGDATA holds a cluster already"
            else
              {runAs}{Path.Combine(bin, "initdb")} -D "$PGDATA" -U {user} --auth=trust -E UTF8 --locale=C.UTF-8
            fi
            case "$POSTGRES_PASSWORD" in
              ''|*[!A-Za-z0-9._~-]*) echo "the password in secrets/{name} must be non-empty letters, digits or ._~- (delete the file to have one made)" >&2; exit 1 ;;
            esac
            if ! printf "ALTER USER {user} PASSWORD '%s';\n" "$POSTGRES_PASSWORD" | {runAs}{postgresPath} --single -D "$PGDATA" -c log_min_error_statement=panic postgres >/dev/null; then
              echo "could not set the password of the cluster in $PGDATA in single-user mode (the reason is above). If another PostgreSQL serves that directory, stop it and start the AppHost again." >&2
              exit 1
            fi
            printf 'local all all scram-sha-256\nhost all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\n' > "$PGDATA/pg_hba.conf"
            {(asPostgres ? $"chown {user}: \"$PGDATA/pg_hba.conf\"" : "")}
            echo "password set; pg_hba.conf: scram-sha-256 only"
            """;
        var init = builder.AddExecutable($"{name}-init", "/bin/sh", builder.AppHostDirectory, "-c", script)
            .WithEnvironment("PGDATA", data)
            .WithEnvironment("POSTGRES_PASSWORD", password)
            .WithIconName("DatabasePlugConnected");

        var postgres = new LocalPostgresResource(name, asPostgres ? SetPriv : postgresPath, builder.AppHostDirectory, password.Resource);

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(postgres, async (_, cancellationToken) =>
            connectionString = await postgres.ConnectionStringExpression.GetValueAsync(cancellationToken).ConfigureAwait(false));
        builder.Eventing.Subscribe<ResourceReadyEvent>(postgres, (@event, cancellationToken) =>
            CreateDatabasesAsync(postgres, connectionString, @event.Services.GetRequiredService<ResourceLoggerService>().GetLogger(postgres), cancellationToken));
        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(
            _ => (connectionString ?? throw new InvalidOperationException($"{name} has no connection string yet")) + ";Database=postgres",
            name: healthCheckKey);

        return builder.AddResource(postgres)
            .WithEndpoint(name: LocalPostgresResource.PrimaryEndpointName, scheme: "tcp")
            .WithArgs(context =>
            {
                string[] setpriv = [$"--reuid={LocalPostgresResource.UserName}", $"--regid={LocalPostgresResource.UserName}", "--init-groups", "--", postgresPath];
                foreach (var argument in asPostgres ? setpriv : [])
                {
                    context.Args.Add(argument);
                }
                context.Args.Add("-D");
                context.Args.Add(data);
                context.Args.Add("-p");
                context.Args.Add(postgres.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
            })
            // TCP on loopback only; no Unix socket (its default directory may not exist or be writable). Two Quota
            // replicas and EndUsers each keep a connection pool.
            .WithArgs("-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=300")
            .WithIconName("DatabaseMultiple")
            .WithHealthCheck(healthCheckKey)
            .WaitForCompletion(init);
    }

    /// <summary>
    /// Adds a database, created in the server once the server is ready (if absent); health-checked by connecting to it.
    /// <paramref name="name"/> is the connection-string name (<c>ConnectionStrings__{name}</c>).
    /// </summary>
    public static IResourceBuilder<LocalPostgresDatabaseResource> AddDatabase(
        this IResourceBuilder<LocalPostgresResource> builder, [ResourceName] string name, string? databaseName = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var database = new LocalPostgresDatabaseResource(name, databaseName ?? name, builder.Resource);
        builder.Resource.AddDatabase(database.Name, database.DatabaseName);

        string? connectionString = null;
        builder.ApplicationBuilder.Eventing.Subscribe<ConnectionStringAvailableEvent>(database, async (_, cancellationToken) =>
            connectionString = await database.ConnectionStringExpression.GetValueAsync(cancellationToken).ConfigureAwait(false));
        var healthCheckKey = $"{name}_check";
        builder.ApplicationBuilder.Services.AddHealthChecks().AddNpgSql(
            _ => connectionString ?? throw new InvalidOperationException($"{name} has no connection string yet"), name: healthCheckKey);

        // DCP reports the states of processes; Aspire copies them to the children of containers only, so a database
        // of a process follows its server here (and WaitFor(ledger) then waits for its health check, as for containers).
        builder.ApplicationBuilder.Eventing.Subscribe<InitializeResourceEvent>(database, (@event, cancellationToken) =>
        {
            var stopping = @event.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            _ = FollowServerStateAsync(database, @event.Notifications, stopping);
            return Task.CompletedTask;
        });

        return builder.ApplicationBuilder.AddResource(database).WithHealthCheck(healthCheckKey);
    }

    private static async Task FollowServerStateAsync(
        LocalPostgresDatabaseResource database, ResourceNotificationService notifications, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(cancellationToken).ConfigureAwait(false))
            {
                if (update.Resource == database.Parent)
                {
                    await notifications.PublishUpdateAsync(database, snapshot => snapshot with
                    {
                        State = update.Snapshot.State,
                        StartTimeStamp = update.Snapshot.StartTimeStamp,
                        StopTimeStamp = update.Snapshot.StopTimeStamp,
                    }).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The application is stopping.
        }
    }

    private static async Task CreateDatabasesAsync(
        LocalPostgresResource postgres, string? connectionString, ILogger logger, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var databaseName in postgres.Databases.Values)
        {
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
            exists.Parameters.Add(new NpgsqlParameter { Value = databaseName });
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
            {
                continue;
            }
            await using var create = new NpgsqlCommand($"CREATE DATABASE {new NpgsqlCommandBuilder().QuoteIdentifier(databaseName)}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            Log.DatabaseCreated(logger, databaseName);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Created database {DatabaseName}")]
        public static partial void DatabaseCreated(ILogger logger, string databaseName);
    }
}
