using Npgsql;

namespace MaaS.Storage.Tests.Postgres;

/// <summary>The connection defaults every PostgreSQL store applies (no server needed).</summary>
public sealed class PostgresDataSourcesTests
{
    [Fact]
    public void WithDefaults_KeysAbsent_PreparesStatementsAndSkipsTheResetOnClose()
    {
        var effective = new NpgsqlConnectionStringBuilder(PostgresDataSources.WithDefaults("Host=db;Username=maas;Password=secret;Database=maas"));

        Assert.Equal(32, effective.MaxAutoPrepare);
        Assert.Equal(2, effective.AutoPrepareMinUsages);
        Assert.True(effective.NoResetOnClose);
        Assert.Equal("db", effective.Host);
        Assert.Equal("secret", effective.Password);
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0;Auto Prepare Min Usages=5;No Reset On Close=false")]
    [InlineData("Host=db;maxautoprepare=0;AUTOPREPAREMINUSAGES=5;noresetonclose=false")]
    public void WithDefaults_KeysGiven_OperatorValuesKept(string connectionString)
    {
        var effective = new NpgsqlConnectionStringBuilder(PostgresDataSources.WithDefaults(connectionString));

        Assert.Equal(0, effective.MaxAutoPrepare);
        Assert.Equal(5, effective.AutoPrepareMinUsages);
        Assert.False(effective.NoResetOnClose);
    }

    [Theory]
    [InlineData("Host=db;Bogus Key=1")]
    [InlineData("Host=db;=x")]
    public void WithDefaults_InvalidConnectionString_ArgumentException(string connectionString) =>
        Assert.ThrowsAny<ArgumentException>(() => PostgresDataSources.WithDefaults(connectionString));
}
