package dev.feedsearch.indexer.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.indexer.postgres.RowMapper.Table;
import dev.feedsearch.indexer.reindex.SourceSnapshot;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The posts table read in id order, a page per query ({@code WHERE id > position ORDER BY id LIMIT n}), for
 * reindex {@code --from source}. Each page reads committed rows, so the index never holds a version newer than
 * what the page returns. Columns go through the same text mapping as the snapshot and the replication stream.
 */
public final class PostgresSnapshot implements SourceSnapshot {
    private final PostgresConfig cfg;

    public PostgresSnapshot(PostgresConfig cfg) {
        this.cfg = cfg;
    }

    @Override
    public Page read(String position, int max) throws IOException {
        try (Connection c = PostgresSchema.connect(cfg)) {
            List<String> cols = PostgresBackfill.columns(c, cfg.postsTable());
            StringBuilder sql = new StringBuilder("SELECT ");
            for (int i = 0; i < cols.size(); i++)
                sql.append(i == 0 ? "" : ", ")
                        .append(PostgresBackfill.quote(cols.get(i)))
                        .append("::text");
            sql.append(" FROM ").append(cfg.postsTable());
            if (position != null) sql.append(" WHERE id > ?");
            sql.append(" ORDER BY id LIMIT ").append(max);
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                if (position != null) ps.setString(1, position);
                List<JsonNode> records = new ArrayList<>(max);
                String last = null;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Map<String, String> row = new LinkedHashMap<>();
                        for (int i = 0; i < cols.size(); i++) row.put(cols.get(i), rs.getString(i + 1));
                        last = row.get("id");
                        records.add(RowMapper.row(Table.POSTS, row));
                    }
                }
                return new Page(records, records.size() < max ? null : last);
            }
        } catch (SQLException e) {
            throw new IOException("reading " + cfg.postsTable() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public long count() throws IOException {
        try (Connection c = PostgresSchema.connect(cfg);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + cfg.postsTable())) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IOException("counting " + cfg.postsTable() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return "postgresql table " + cfg.postsTable();
    }
}
