package dev.sessiond.store.redis;

/**
 * The Lua scripts of {@link RedisSessionStore}: each change and its event in one script, so
 * that Redis applies both or neither. Every key is under the hash tag {@code {sd}} (one slot on
 * a Cluster), which is what lets one script touch them all; KEYS[1] is always {@code {sd}:gen}
 * and routes the script, the other names are derived inside from {@link #PREFIX}.
 */
final class Scripts {

  static final String PREFIX = "{sd}:";

  private Scripts() {}

  /**
   * Shared head: the generation, and {@code log(now, fields)}, which appends an event whose ID
   * starts with the writer's clock (so that retention by age works on the IDs), or Redis's own
   * when that would go back in time (a slower clock on another node).
   */
  private static final String HEAD = """
      local P = '{sd}:'
      local g = redis.call('GET', KEYS[1]) or '0'
      local function log(now, e)
        local ok, id = pcall(redis.call, 'XADD', P .. 'log', now .. '-*', unpack(e))
        if ok then return id end
        return redis.call('XADD', P .. 'log', '*', unpack(e))
      end
      local function uidOf(v)
        return cjson.decode(string.match(v, '^[^\\n]*\\n([^\\n]*)\\n'))[2]
      end
      local function thOf(sid)
        local m = redis.call('ZRANGEBYLEX', P .. 'all:' .. g, '[' .. sid .. ' ', '(' .. sid .. '!', 'LIMIT', 0, 1)[1]
        return m and string.sub(m, #sid + 2)
      end
      local function tail(from)
        local e = {}
        for i = from, #ARGV do e[#e + 1] = ARGV[i] end
        return e
      end
      """;

  /** ARGV: now, sid, uid, tokenHash, exp, deadline, last, body ({@link Codec#body}), event fields. */
  static final String CREATE = HEAD + """
      local now, sid, uid, th, exp, deadline = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
      redis.call('SET', P .. 's:' .. th, g .. ' ' .. ARGV[7] .. ' ' .. exp .. ARGV[8], 'PXAT', exp)
      local uk = P .. 'u:' .. uid .. ':' .. g
      redis.call('ZADD', uk, exp, sid)
      local left = redis.call('PTTL', uk)
      if left < 0 or tonumber(now) + left < tonumber(deadline) then redis.call('PEXPIREAT', uk, deadline) end
      redis.call('ZADD', P .. 'all:' .. g, 0, sid .. ' ' .. th)
      redis.call('ZADD', P .. 'users:' .. g, 0, uid)
      redis.call('ZADD', P .. 'exp:' .. g, exp, uid .. ' ' .. sid)
      return log(now, tail(9))
      """;

  /** ARGV: tokenHash, sid, uid, last, exp. */
  static final String TOUCH = HEAD + """
      local t = P .. 's:' .. ARGV[1]
      local v = redis.call('GET', t)
      if not v then return 0 end
      local gen, rest = string.match(v, '^(%d+) %d+ %d+(.*)$')
      redis.call('SET', t, gen .. ' ' .. ARGV[4] .. ' ' .. ARGV[5] .. rest, 'PXAT', ARGV[5])
      redis.call('ZADD', P .. 'u:' .. ARGV[3] .. ':' .. g, 'XX', ARGV[5], ARGV[2])
      redis.call('ZADD', P .. 'exp:' .. g, 'XX', ARGV[5], ARGV[3] .. ' ' .. ARGV[2])
      return 1
      """;

  /** Removes one session of generation g from every key; returns 1 if its token key was still there. */
  private static final String DROP = """
      local function drop(sid, uid)
        local n = 0
        local th = thOf(sid)
        if th then
          n = redis.call('DEL', P .. 's:' .. th)
          redis.call('ZREM', P .. 'all:' .. g, sid .. ' ' .. th)
        else
          redis.call('ZREM', P .. 'all:' .. g, sid)
        end
        redis.call('ZREM', P .. 'exp:' .. g, uid .. ' ' .. sid)
        local uk = P .. 'u:' .. uid .. ':' .. g
        redis.call('ZREM', uk, sid)
        if redis.call('ZCARD', uk) == 0 then redis.call('ZREM', P .. 'users:' .. g, uid) end
        return n
      end
      """;

  /** ARGV: now, sid, event fields. Returns 1 when a live session of this generation ended, else 0. */
  static final String DELETE = HEAD + DROP + """
      local sid = ARGV[2]
      local th = thOf(sid)
      if not th then return 0 end
      local v = redis.call('GET', P .. 's:' .. th)
      if not v or string.match(v, '^(%d+) ') ~= g then return 0 end
      local uid = uidOf(v)
      drop(sid, uid)
      local e = tail(3)
      e[#e + 1] = 's'
      e[#e + 1] = sid
      e[#e + 1] = 'u'
      e[#e + 1] = uid
      log(ARGV[1], e)
      return 1
      """;

  /**
   * ARGV: now, uid, event fields. Ends the user's live sessions (those already expired are
   * left for purge, which logs them as expired); returns how many.
   */
  static final String DELETE_USER = HEAD + """
      local uid = ARGV[2]
      local uk = P .. 'u:' .. uid .. ':' .. g
      local n = 0
      for _, sid in ipairs(redis.call('ZRANGE', uk, 0, -1)) do
        local th = thOf(sid)
        if th and redis.call('DEL', P .. 's:' .. th) == 1 then
          n = n + 1
          redis.call('ZREM', P .. 'all:' .. g, sid .. ' ' .. th)
          redis.call('ZREM', P .. 'exp:' .. g, uid .. ' ' .. sid)
        end
      end
      redis.call('DEL', uk)
      redis.call('ZREM', P .. 'users:' .. g, uid)
      if n > 0 then
        local e = tail(3)
        e[#e + 1] = 'u'
        e[#e + 1] = uid
        e[#e + 1] = 'c'
        e[#e + 1] = n
        log(ARGV[1], e)
      end
      return n
      """;

  /** ARGV: now, event fields. Counts the live sessions, moves to the next generation; returns {count, old generation}. */
  static final String CLEAR = HEAD + """
      local n = redis.call('ZCOUNT', P .. 'exp:' .. g, '(' .. ARGV[1], '+inf')
      redis.call('INCR', KEYS[1])
      local e = tail(2)
      e[#e + 1] = 'c'
      e[#e + 1] = n
      log(ARGV[1], e)
      return {n, tonumber(g)}
      """;

  /** ARGV: now, event fields. */
  static final String LOG = HEAD + "return log(ARGV[1], tail(2))";

  /**
   * ARGV: now, batch. Removes up to batch sessions whose time is up (a touched one only gets
   * its score fixed), logging each as expired by the system; returns {uid1, sid1, uid2, ...}.
   */
  static final String PURGE = HEAD + DROP + """
      local now = ARGV[1]
      local out = {}
      for _, m in ipairs(redis.call('ZRANGEBYSCORE', P .. 'exp:' .. g, '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))) do
        local uid, sid = string.match(m, '^(.*) ([^ ]*)$')
        local th = thOf(sid)
        local v = th and redis.call('GET', P .. 's:' .. th)
        local exp = v and string.match(v, '^%d+ %d+ (%d+)')
        if exp and tonumber(exp) > tonumber(now) then
          redis.call('ZADD', P .. 'exp:' .. g, exp, m)
        else
          drop(sid, uid)
          log(now, {'t', 'session.expired', 'tm', now, 's', sid, 'u', uid, 'ak', 'SYSTEM'})
          out[#out + 1] = uid
          out[#out + 1] = sid
        end
      end
      return out
      """;

  /** ARGV: profile ({@link Codec#compact}), uid. Sets the profile of the user's live sessions; returns how many. */
  static final String SET_PROFILE = HEAD + """
      local n = 0
      for _, sid in ipairs(redis.call('ZRANGE', P .. 'u:' .. ARGV[2] .. ':' .. g, 0, -1)) do
        local th = thOf(sid)
        local v = th and redis.call('GET', P .. 's:' .. th)
        if v then
          redis.call('SET', P .. 's:' .. th, string.match(v, '^[^\\n]*\\n[^\\n]*\\n') .. ARGV[1], 'KEEPTTL')
          n = n + 1
        end
      end
      return n
      """;
}
