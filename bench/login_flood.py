#!/usr/bin/env python3
"""Wrong-password login floods for bench/run.sh (issue 11).

  login_flood.py PORT burst USERNAME N       N wrong-password logins for USERNAME sent at once;
                                             prints "401=a 429=b other=c"
  login_flood.py PORT loop SECONDS N         bursts of N for fresh usernames, each burst from its own
                                             127.0.x.y source address (the IP throttle would otherwise
                                             answer everything 429 after four), until SECONDS pass;
                                             prints "bursts=k 401=a 429=b other=c"
Only 127.0.0.0/8; bounded by N and SECONDS.
"""
import collections, http.client, json, sys, threading, time

def login(port, username, i, source, counts, lock):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
        c.request("POST", "/api/login", json.dumps({"username": username, "password": f"wrong-{i}"}),
                  {"Content-Type": "application/json"})
        status = c.getresponse().status
        c.close()
    except OSError:
        status = "error"
    with lock:
        counts[status if status in (401, 429) else "other"] += 1

def burst(port, username, n, source, counts):
    lock = threading.Lock()
    gate = threading.Barrier(n)
    def run(i):
        gate.wait()
        login(port, username, i, source, counts, lock)
    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads: t.start()
    for t in threads: t.join()

def main():
    port, mode, arg, n = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
    counts = collections.Counter()
    if mode == "burst":
        burst(port, arg, n, "127.0.0.1", counts)
        print(f"401={counts[401]} 429={counts[429]} other={counts['other']}")
        return
    deadline = time.time() + float(arg)
    k = 0
    while time.time() < deadline:
        k += 1
        burst(port, f"flood-{k}-{int(time.time())}", n, f"127.0.{1 + k // 250}.{1 + k % 250}", counts)
    print(f"bursts={k} 401={counts[401]} 429={counts[429]} other={counts['other']}")

main()
