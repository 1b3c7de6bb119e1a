package dev.sessiond.store.redis;

/**
 * The Lua scripts of {@link RedisSessionStore}: each change and its event in one script, so
 * that Redis applies both or neither. KEYS[1] is always the generation key {@code <P>gen} of one
 * shard; every other name is derived inside from its prefix {@code P} ({@code {sd}:} when there
 * is one shard, else the shard's own hash tag: one script touches one slot on a Cluster).
 *
 * <p>The two indexes are small B-trees of hashes (see {@link RedisSessionStore}): a directory
 * ZSET of bucket lower bounds, and buckets of at most {@link #BUCKET} fields, small enough to
 * stay listpack-encoded (a listpack field costs its bytes and a few more; a sorted-set member
 * outside a listpack costs 140 to 180 bytes). Hash fields are unordered, so a read or a split
 * orders a bucket through a scratch ZSET ({@code <P>tmp}, emptied before the script ends): Redis
 * compares bytes, where Lua's {@code <} follows the server's locale.
 */
final class Scripts {

  static final String PREFIX = "{sd}:";
  /** Fields per bucket before it splits: below Redis's default hash-max-listpack-entries (128). */
  static final int BUCKET = 100;

  private Scripts() {}

  private static final java.util.Map<String, String> SHAS = new java.util.concurrent.ConcurrentHashMap<>();

  /** The script's SHA-1 in hex, as EVALSHA names it. */
  static String sha(String script) {
    return SHAS.computeIfAbsent(script, s -> {
      try {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
            .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException("the JDK has no SHA-1", e);
      }
    });
  }

  /**
   * Shared head: the prefix, the generation, the event log, the trees, the expiry buckets.
   * {@code log(now, fields)} appends an event whose ID starts with the writer's clock (so that
   * retention by age works on the IDs; the time is then the ID's), or Redis's own when that would
   * go back in time (a slower clock on another node), with the time as field {@code tm}.
   */
  private static final String HEAD = """
      local P = string.sub(KEYS[1], 1, -4)
      local g = redis.call('GET', KEYS[1]) or '0'
      local I, U, N, NU, TMP = P .. g .. ':i', P .. g .. ':u', P .. g .. ':n', P .. g .. ':nu', P .. 'tmp'
      -- ARGV[1] of a change is its time, ms, and with S > 1 shards '-<seq>': the entry ID's
      -- first sequence number (the next entries of the script take the next ones), which orders
      -- one node's same-millisecond changes across shards
      local NOW = string.match(ARGV[1] or '', '^%d+')
      local XSEQ = string.match(ARGV[1] or '', '^%d+%-(%d+)$') or '*'
      local function log(now, e)
        local ok, id = pcall(redis.call, 'XADD', P .. 'log', now .. '-' .. XSEQ, unpack(e))
        if XSEQ ~= '*' then XSEQ = tostring(tonumber(XSEQ) + 1) end
        if ok then return id end
        e[#e + 1] = 'tm'
        e[#e + 1] = now
        return redis.call('XADD', P .. 'log', '*', unpack(e))
      end
      local function tail(from)
        local e = {}
        for i = from, #ARGV do e[#e + 1] = ARGV[i] end
        return e
      end
      local function uidOf(v)
        return cjson.decode(string.match(v, '^[^\\n]*\\n([^\\n]*)\\n'))[2]
      end
      local function expOf(v)
        return tonumber(string.match(v, '^%d+ %d+ (%d+)'))
      end
      local function tok(th) return P .. 'k:' .. th end
      -- the lower bound of the bucket of key k in tree t ('' is the first bucket, never listed)
      local function lb(t, k)
        return redis.call('ZREVRANGEBYLEX', t, '[' .. k, '-', 'LIMIT', 0, 1)[1] or ''
      end
      local function sorted(keys, min, max)
        if #keys == 0 then return keys end
        local z = {}
        for _, k in ipairs(keys) do z[#z + 1] = 0; z[#z + 1] = k end
        redis.call('ZADD', TMP, unpack(z))
        local out = redis.call('ZRANGEBYLEX', TMP, min, max)
        redis.call('DEL', TMP)
        return out
      end
      local function split(t, b)
        local bk = t .. ':' .. b
        local ks = sorted(redis.call('HKEYS', bk), '-', '+')
        local upper = {}
        for i = math.floor(#ks / 2) + 1, #ks do upper[#upper + 1] = ks[i] end
        local vs = redis.call('HMGET', bk, unpack(upper))
        local kv = {}
        for i, k in ipairs(upper) do kv[#kv + 1] = k; kv[#kv + 1] = vs[i] end
        redis.call('HSET', t .. ':' .. upper[1], unpack(kv))
        redis.call('HDEL', bk, unpack(upper))
        redis.call('ZADD', t, 0, upper[1])
      end
      local function tget(t, k) return redis.call('HGET', t .. ':' .. lb(t, k), k) end
      local function tput(t, k, v)
        local b = lb(t, k)
        if redis.call('HSET', t .. ':' .. b, k, v) == 1 and redis.call('HLEN', t .. ':' .. b) > @B@ then split(t, b) end
      end
      local function tdel(t, k)
        local b = lb(t, k)
        if redis.call('HDEL', t .. ':' .. b, k) == 1 and b ~= '' and redis.call('EXISTS', t .. ':' .. b) == 0 then
          redis.call('ZREM', t, b)
        end
      end
      local function tincr(t, k, by)
        local b = lb(t, k)
        local n = redis.call('HINCRBY', t .. ':' .. b, k, by)
        if n <= 0 then
          tdel(t, k)
        elseif n == by and redis.call('HLEN', t .. ':' .. b) > @B@ then
          split(t, b)
        end
        return n
      end
      -- calls f(k, v) for the keys of tree t within ZRANGEBYLEX bounds min..max, in order, until f returns false
      local function walk(t, min, max, f)
        local b = lb(t, min == '-' and '' or string.sub(min, 2))
        while b do
          local kv = redis.call('HGETALL', t .. ':' .. b)
          local vals, ks = {}, {}
          for i = 1, #kv, 2 do vals[kv[i]] = kv[i + 1]; ks[#ks + 1] = kv[i] end
          for _, k in ipairs(sorted(ks, min, max)) do
            if f(k, vals[k]) == false then return end
          end
          b = redis.call('ZRANGEBYLEX', t, '(' .. b, max, 'LIMIT', 0, 1)[1]
        end
      end
      -- a user's entry in U is uid -> number of sessions; each session's is uid NUL sid -> exp ms
      local function us(uid, sid) return uid .. '\\0' .. sid end
      -- expiry buckets: <P>x:<minute>:<j>, at most BUCKET members 'sid uid' each, scored by exp ms
      local function xadd(m, exp)
        local c = redis.call('GET', P .. 'xc')
        if not c then
          c = math.floor(tonumber(NOW) / 60000) - 1
          redis.call('SET', P .. 'xc', c)
        end
        local minute = math.max(math.floor(tonumber(exp) / 60000), tonumber(c) + 1)
        local n = redis.call('INCR', P .. 'xn:' .. minute)
        redis.call('ZADD', P .. 'x:' .. minute .. ':' .. math.floor((n - 1) / @B@), exp, m)
      end
      -- removes a session of generation g from every index (its expiry entry is left: purge skips it)
      local function drop(sid, uid, th)
        local n = redis.call('DEL', tok(th))
        tdel(I, sid)
        tdel(U, us(uid, sid))
        redis.call('DECR', N)
        if tincr(U, uid, -1) == 0 then redis.call('DECR', NU) end
        return n
      end
      """.replace("@B@", Integer.toString(BUCKET));

  /** ARGV: now, sid, uid, tokenHash, exp, last, body ({@link Codec#body}), event fields. */
  static final String CREATE = HEAD + """
      local now, sid, uid, th, exp = NOW, ARGV[2], ARGV[3], ARGV[4], ARGV[5]
      redis.call('SET', tok(th), g .. ' ' .. ARGV[6] .. ' ' .. exp .. ARGV[7])
      tput(I, sid, th)
      tput(U, us(uid, sid), exp)
      if tincr(U, uid, 1) == 1 then redis.call('INCR', NU) end
      redis.call('INCR', N)
      xadd(sid .. ' ' .. uid, exp)
      return log(now, tail(8))
      """;

  /** ARGV: tokenHash, sid, uid, last, exp. */
  static final String TOUCH = HEAD + """
      local t = tok(ARGV[1])
      local v = redis.call('GET', t)
      if not v then return 0 end
      local gen, rest = string.match(v, '^(%d+) %d+ %d+(.*)$')
      redis.call('SET', t, gen .. ' ' .. ARGV[4] .. ' ' .. ARGV[5] .. rest)
      if gen == g then tput(U, us(ARGV[3], ARGV[2]), ARGV[5]) end
      return 1
      """;

  /** ARGV: now, sid, event fields. Returns 1 when a live session of this generation ended, else 0. */
  static final String DELETE = HEAD + """
      local sid = ARGV[2]
      local th = tget(I, sid)
      if not th then return 0 end
      local v = redis.call('GET', tok(th))
      if not v or expOf(v) <= tonumber(NOW) then return 0 end
      local uid = uidOf(v)
      drop(sid, uid, th)
      local e = tail(3)
      e[#e + 1] = 's'
      e[#e + 1] = sid
      e[#e + 1] = 'u'
      e[#e + 1] = uid
      log(NOW, e)
      return 1
      """;

  /**
   * ARGV: now, uid, event fields. Ends the user's live sessions (those already expired are
   * left for purge, which logs them as expired); returns how many.
   */
  static final String DELETE_USER = HEAD + """
      local uid = ARGV[2]
      local sids = {}
      walk(U, '(' .. us(uid, ''), '(' .. uid .. '\\1', function(k) sids[#sids + 1] = string.sub(k, #uid + 2) end)
      local n = 0
      for _, sid in ipairs(sids) do
        local th = tget(I, sid)
        local v = th and redis.call('GET', tok(th))
        if v and expOf(v) > tonumber(NOW) then n = n + drop(sid, uid, th) end
      end
      if n > 0 then
        local e = tail(3)
        e[#e + 1] = 'u'
        e[#e + 1] = uid
        e[#e + 1] = 'c'
        e[#e + 1] = n
        log(NOW, e)
      end
      return n
      """;

  /**
   * ARGV: now, event fields. Counts the sessions (those expired but not yet purged too), moves
   * to the next generation; returns {count, old generation}.
   */
  static final String CLEAR = HEAD + """
      local n = tonumber(redis.call('GET', N) or '0')
      redis.call('INCR', KEYS[1])
      local e = tail(2)
      e[#e + 1] = 'c'
      e[#e + 1] = n
      log(NOW, e)
      return {n, tonumber(g)}
      """;

  /**
   * ARGV: now. Clear's part in one of S > 1 shards (its event is logged once, in shard 0, after
   * every shard's part): counts the shard's sessions, moves it to the next generation; returns
   * {count, old generation}.
   */
  static final String BUMP = HEAD + """
      local n = tonumber(redis.call('GET', N) or '0')
      redis.call('INCR', KEYS[1])
      return {n, tonumber(g)}
      """;

  /** ARGV: now, event fields. */
  static final String LOG = HEAD + "return log(NOW, tail(2))";

  /**
   * ARGV: now, batch. Walks the expiry buckets of the minutes up to now from the cursor
   * {@code xc}: each due entry whose session is still indexed is logged as expired by the system
   * and dropped, unless its session was touched meanwhile (then it is filed under its new
   * minute). A minute wholly past is deleted and the cursor moves on. Returns {uid1, sid1, ...}.
   */
  static final String PURGE = HEAD + """
      local now = tonumber(NOW)
      local out, left = {}, tonumber(ARGV[2])
      local c = redis.call('GET', P .. 'xc')
      if not c then return out end
      local cur = math.floor(now / 60000)
      local m = tonumber(c) + 1
      local walked = 0
      while m <= cur and left > 0 and walked < 10000 do
        walked = walked + 1
        local n = tonumber(redis.call('GET', P .. 'xn:' .. m) or '0')
        local done = true
        for j = 0, math.floor((n - 1) / @B@) do
          local bk = P .. 'x:' .. m .. ':' .. j
          for _, e in ipairs(redis.call('ZRANGEBYSCORE', bk, '-inf', now, 'LIMIT', 0, left)) do
            redis.call('ZREM', bk, e)
            left = left - 1
            local sid, uid = string.match(e, '^([^ ]*) (.*)$')
            local th = tget(I, sid)
            if th then
              local v = redis.call('GET', tok(th))
              local exp = v and expOf(v)
              if exp and exp > now then
                xadd(e, exp)
              else
                drop(sid, uid, th)
                log(NOW, {'t', 'e', 's', sid, 'u', uid, 'ak', 'y'})
                out[#out + 1] = uid
                out[#out + 1] = sid
              end
            end
          end
          if redis.call('EXISTS', bk) == 1 then done = false end
        end
        if not done or m == cur then break end
        redis.call('DEL', P .. 'xn:' .. m)
        redis.call('SET', P .. 'xc', m)
        m = m + 1
      end
      return out
      """.replace("@B@", Integer.toString(BUCKET));

  /**
   * ARGV: now, profile ({@link Codec#compact}), uid, event fields. Sets the profile of the user's
   * live sessions and, when there were any, logs {@code session.updated} with the user and count;
   * returns how many.
   */
  static final String SET_PROFILE = HEAD + """
      local uid = ARGV[3]
      local n = 0
      walk(U, '(' .. us(uid, ''), '(' .. uid .. '\\1', function(k)
        local th = tget(I, string.sub(k, #uid + 2))
        local v = th and redis.call('GET', tok(th))
        if v then
          redis.call('SET', tok(th), string.match(v, '^[^\\n]*\\n[^\\n]*\\n') .. ARGV[2])
          n = n + 1
        end
      end)
      if n > 0 then
        local e = tail(4)
        e[#e + 1] = 'u'
        e[#e + 1] = uid
        e[#e + 1] = 'c'
        e[#e + 1] = tostring(n)
        log(NOW, e)
      end
      return n
      """;

  /** ARGV: sid. Returns {tokenHash, value} of the session of this generation with that ID, or {}. */
  static final String FIND = HEAD + """
      local th = tget(I, ARGV[1])
      local v = th and redis.call('GET', tok(th))
      if not v then return {} end
      return {th, v}
      """;

  /**
   * ARGV: now, after ('' from the start), limit, uid ('' for every user). Up to limit live
   * sessions of this generation in ID order after {@code after}: {th1, value1, th2, ...}.
   */
  static final String LIST = HEAD + """
      local now, after, limit, uid = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]), ARGV[4]
      local out = {}
      local function take(sid, th)
        local v = th and redis.call('GET', tok(th))
        if v and expOf(v) > now then
          out[#out + 1] = th
          out[#out + 1] = v
        end
        return #out < 2 * limit
      end
      if uid == '' then
        walk(I, after == '' and '-' or '(' .. after, '+', take)
      else
        walk(U, '(' .. us(uid, after), '(' .. uid .. '\\1', function(k, exp)
          if tonumber(exp) <= now then return true end
          local sid = string.sub(k, #uid + 2)
          return take(sid, tget(I, sid))
        end)
      end
      return out
      """;

  /** ARGV: now, after ('' from the start), limit. Up to limit user IDs holding a live session, in order, after {@code after}. */
  static final String USERS = HEAD + """
      local now, after, limit = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])
      local out = {}
      walk(U, after == '' and '-' or '(' .. after .. '\\1', '+', function(k, exp)
        local z = string.find(k, '\\0', 1, true)
        if z and tonumber(exp) > now then
          local uid = string.sub(k, 1, z - 1)
          if out[#out] ~= uid then out[#out + 1] = uid end
        end
        return #out < limit
      end)
      return out
      """;

  /** Returns {sessions, users} of this generation (sessions expired but not yet purged included). */
  static final String COUNTS = HEAD + """
      return {tonumber(redis.call('GET', N) or '0'), tonumber(redis.call('GET', NU) or '0')}
      """;

  /**
   * ARGV: old generation. Deletes one bucket of that generation's ID tree with the token keys it
   * names, else one of its user tree, else its counters; returns 1 while there is more.
   */
  static final String CLEAN_UP = """
      local P = string.sub(KEYS[1], 1, -4)
      local og = ARGV[1]
      for _, t in ipairs({P .. og .. ':i', P .. og .. ':u'}) do
        local b = redis.call('ZRANGE', t, 0, 0)[1]
        local bk = t .. ':' .. (b or '')
        if not b and redis.call('EXISTS', bk) == 0 then
          bk = nil
        end
        if bk then
          if t == P .. og .. ':i' then
            local ths = redis.call('HVALS', bk)
            for i = 1, #ths do ths[i] = P .. 'k:' .. ths[i] end
            if #ths > 0 then redis.call('UNLINK', unpack(ths)) end
          end
          redis.call('UNLINK', bk)
          if b then redis.call('ZREM', t, b) end
          return 1
        end
      end
      redis.call('DEL', P .. og .. ':n', P .. og .. ':nu')
      return 0
      """;
}
