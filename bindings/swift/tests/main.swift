// The seed-002 flows (unread totals, filter subscriptions, cleaning, excluded
// messages, mute), a receipt round trip through an OutboundTransport written in
// Swift, the dispatcher thread and errors, against the built libimcore.
// A small runner: one line per test, then "tests: N passed, N failed";
// exits 1 on any failure.

import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct Failure: Error, CustomStringConvertible {
    let description: String
}

func check(_ cond: Bool, _ msg: @autoclosure () -> String, line: Int = #line) throws {
    if !cond { throw Failure(description: "line \(line): \(msg())") }
}

func eq<T: Equatable>(_ actual: T, _ expected: T, _ what: String = "value", line: Int = #line) throws {
    if actual != expected {
        throw Failure(description: "line \(line): \(what): expected <\(expected)>, got <\(actual)>")
    }
}

/// Runs `body`, which must throw an ImError that `matches` accepts.
func throwsError(_ what: String, line: Int = #line, _ matches: (ImError) -> Bool, _ body: () throws -> Void) throws -> ImError {
    do {
        try body()
    } catch let e as ImError {
        if matches(e) { return e }
        throw Failure(description: "line \(line): expected \(what), got \(e)")
    }
    throw Failure(description: "line \(line): expected \(what), nothing was thrown")
}

let flushMs: UInt32 = 5000
var tempDirs: [String] = []

func tempDir() -> String {
    let dir = NSTemporaryDirectory() + "imcore-swift-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    tempDirs.append(dir)
    return dir
}

func newClient(_ user: String = "me") throws -> ImClient {
    let c = try ImClient(config: ClientConfig(dataDir: tempDir(), appId: 1_400_000_001))
    try c.login(userId: user)
    return c
}

func incoming(_ id: String, _ conv: String, _ sender: String, _ time: UInt64, seq: UInt64 = 0,
              excluded: Bool = false, text: String = "hello") -> IncomingMessage {
    IncomingMessage(messageId: id, conversationId: conv, senderId: sender, serverTime: time, seq: seq,
                    text: text, excludedFromUnread: excluded)
}

/// bob: 3 C2C messages at t=100/200/300; carol: 2; group g1: seq 1..3; g2: seq 1..2 -> 10.
func seed(_ c: ImClient) throws {
    var batch: [IncomingMessage] = []
    for i in UInt64(1)...3 { batch.append(incoming("b\(i)", "c2c_bob", "bob", 100 * i)) }
    for i in UInt64(1)...2 { batch.append(incoming("c\(i)", "c2c_carol", "carol", 150 + i)) }
    for i in UInt64(1)...3 { batch.append(incoming("g1-\(i)", "group_g1", "dave", 400 + i, seq: i)) }
    for i in UInt64(1)...2 { batch.append(incoming("g2-\(i)", "group_g2", "erin", 500 + i, seq: i)) }
    _ = try c.receiveMessages(messages: batch)
}

extension ImClient {
    func unread(_ id: String) throws -> UInt64 { try getConversation(conversationId: id).unreadCount }
    func flush() throws { try check(flushEvents(timeoutMs: flushMs), "flushEvents timed out") }
}

/// Records every ConversationListener call with its native thread and
/// whether that thread is the client's dispatcher.
final class ConversationRecorder: ConversationListener, @unchecked Sendable {
    struct Call { let name: String; let args: [AnyHashable]; let thread: pthread_t; let onDispatcher: Bool? }
    private let lock = NSLock()
    private var _calls: [Call] = []
    weak var client: ImClient?

    init(_ client: ImClient? = nil) { self.client = client }

    var calls: [Call] { lock.lock(); defer { lock.unlock() }; return _calls }
    func named(_ name: String) -> [[AnyHashable]] { calls.filter { $0.name == name }.map { $0.args } }

    private func rec(_ name: String, _ args: AnyHashable...) {
        let call = Call(name: name, args: args, thread: pthread_self(), onDispatcher: client?.isDispatcherThread())
        lock.lock(); _calls.append(call); lock.unlock()
    }

    func onSyncStarted() { rec("onSyncStarted") }
    func onSyncFinished() { rec("onSyncFinished") }
    func onSyncFailed(reason: String) { rec("onSyncFailed", reason) }
    func onConversationCreated(conversation: Conversation) { rec("onConversationCreated", conversation) }
    func onConversationDeleted(conversationIds: [String]) { rec("onConversationDeleted", conversationIds) }
    func onConversationChanged(conversations: [Conversation]) { rec("onConversationChanged", conversations) }
    func onTotalUnreadCountChanged(unreadCount: UInt64) { rec("onTotalUnreadCountChanged", unreadCount) }
    func onUnreadCountChangedByFilter(filter: ConversationFilter, unreadCount: UInt64) {
        rec("onUnreadCountChangedByFilter", filter, unreadCount)
    }
    func onConversationReadTimeUpdated(conversationId: String, readTime: UInt64) {
        rec("onConversationReadTimeUpdated", conversationId, readTime)
    }
}

final class ReceiptRecorder: ReceiptListener, @unchecked Sendable {
    private let lock = NSLock()
    var receipts: [MessageReceipt] = []
    var threads: [pthread_t] = []
    func onReceiveReceipts(receipts r: [MessageReceipt]) {
        lock.lock(); receipts += r; threads.append(pthread_self()); lock.unlock()
    }
}

final class MessageRecorder: MessageListener, @unchecked Sendable {
    private let lock = NSLock()
    var messages: [MessageInfo] = []
    func onReceiveMessages(messages m: [MessageInfo]) { lock.lock(); messages += m; lock.unlock() }
}

/// A "server" joining clients: each client's transport delivers its envelopes
/// to the other clients, then acks them.
final class LoopbackServer: @unchecked Sendable {
    var clients: [String: ImClient] = [:]
    var time: UInt64 = 1_700_000_000
    var seq: UInt64 = 0
    var delivered: [String] = []
    var sendThreads: [pthread_t] = []
    private let lock = NSLock()

    final class Transport: OutboundTransport, @unchecked Sendable {
        weak var server: LoopbackServer?
        let user: String
        init(_ server: LoopbackServer, _ user: String) { self.server = server; self.user = user }
        func send(envelope: OutboundEnvelope) { server?.deliver(user, envelope) }
    }

    func attach(_ user: String, _ client: ImClient) throws {
        clients[user] = client
        try client.setOutboundTransport(transport: Transport(self, user))
    }

    private func receivers(_ sender: String, _ convId: String) -> ([String], String) {
        if (try? parseConversationType(conversationId: convId)) == .group {
            return (clients.keys.filter { $0 != sender }.sorted(), convId)
        }
        let target = (try? parseConversationTargetId(conversationId: convId)) ?? ""
        return (clients[target] == nil ? [] : [target], (try? c2cConversationId(userId: sender)) ?? "")
    }

    func deliver(_ sender: String, _ env: OutboundEnvelope) {
        lock.lock(); defer { lock.unlock() }
        sendThreads.append(pthread_self())
        delivered.append("\(sender):\(env.kind)")
        time += 1
        var stamp: UInt64 = 0
        switch env.payload {
        case .message(let m):
            if (try? parseConversationType(conversationId: m.conversationId)) == .group { seq += 1; stamp = seq }
            let (to, conv) = receivers(sender, m.conversationId)
            for r in to {
                _ = try? clients[r]!.receiveMessages(messages: [IncomingMessage(
                    messageId: m.messageId, conversationId: conv, senderId: sender, serverTime: time, seq: stamp,
                    body: m.body, needReadReceipt: m.needReadReceipt, excludedFromUnread: m.excludedFromUnread)])
            }
        case .receipts(let convId, let ids):
            let (to, conv) = receivers(sender, convId)
            for r in to {
                _ = try? clients[r]!.receiveReceipts(receipts: ids.map {
                    InboundReceipt(conversationId: conv, messageId: $0, readerId: sender, timestamp: time)
                })
            }
        default:
            break
        }
        _ = try? clients[sender]!.ackOutbound(envelopeId: env.envelopeId, code: 0, serverTime: time, seq: stamp)
    }
}

let mainThread = pthread_self()
let c2cFilter = ConversationFilter(conversationTypes: [.c2c])
let groupFilter = ConversationFilter(conversationTypes: [.group])

let tests: [(String, () throws -> Void)] = [
    ("total unread and its change event", {
        let c = try newClient()
        defer { c.close() }
        let rec = ConversationRecorder(c)
        let handle = c.addConversationListener(listener: rec)
        defer { handle.close() }
        try eq(try c.getTotalUnreadCount(), 0)
        try seed(c)
        try eq(try c.getTotalUnreadCount(), 10, "total")
        try c.flush()
        try eq(rec.named("onTotalUnreadCountChanged").last, [AnyHashable(UInt64(10))], "total event")
        let created = Set(rec.named("onConversationCreated").map { ($0[0] as! Conversation).conversationId })
        try eq(created, ["c2c_bob", "c2c_carol", "group_g1", "group_g2"], "created")
        _ = try c.clearUnreadCountByIds(conversationIds: ["c2c_bob"])
        try eq(try c.getTotalUnreadCount(), 7)
        try c.flush()
        try eq(rec.named("onTotalUnreadCountChanged").last, [AnyHashable(UInt64(7))])
        let changed = rec.named("onConversationChanged").last![0] as! [Conversation]
        try eq(changed.map { $0.conversationId }, ["c2c_bob"])
        try eq(changed[0].unreadCount, 0)
        try check(!rec.calls.contains { pthread_equal($0.thread, mainThread) != 0 }, "a listener ran on the test thread")
        try check(rec.calls.allSatisfy { $0.onDispatcher == true }, "a listener ran off the dispatcher thread")
        try check(!c.isDispatcherThread(), "the test thread claims to be the dispatcher")
        try c.verify()
    }),
    ("filter subscriptions with two filters", {
        let c = try newClient()
        defer { c.close() }
        let rec = ConversationRecorder()
        let handle = c.addConversationListener(listener: rec)
        defer { handle.close() }
        try eq(try c.subscribeUnreadCountByFilter(filter: c2cFilter), 0)
        try eq(try c.subscribeUnreadCountByFilter(filter: groupFilter), 0)
        try seed(c)
        try eq(try c.getUnreadCountByFilter(filter: c2cFilter), 5)
        try eq(try c.getUnreadCountByFilter(filter: groupFilter), 5)
        try c.flush()
        let events = rec.named("onUnreadCountChangedByFilter")
        try check(events.contains([c2cFilter, UInt64(5)]), "no C2C filter event in \(events)")
        try check(events.contains([groupFilter, UInt64(5)]), "no group filter event in \(events)")
        var before = events.count
        _ = try c.receiveMessages(messages: [incoming("g1-4", "group_g1", "dave", 404, seq: 4)])
        try c.flush()
        try eq(Array(rec.named("onUnreadCountChangedByFilter").dropFirst(before)), [[groupFilter, UInt64(6)]])
        try c.unsubscribeUnreadCountByFilter(filter: c2cFilter)
        before = rec.named("onUnreadCountChangedByFilter").count
        _ = try c.receiveMessages(messages: [incoming("b4", "c2c_bob", "bob", 400)])
        _ = try c.receiveMessages(messages: [incoming("g2-3", "group_g2", "erin", 503, seq: 3)])
        try c.flush()
        try eq(Array(rec.named("onUnreadCountChangedByFilter").dropFirst(before)), [[groupFilter, UInt64(7)]])
        try eq(try c.getUnreadCountByFilter(filter: c2cFilter), 6)
    }),
    ("clean by each selector", {
        let c = try newClient()
        defer { c.close() }
        try seed(c)
        try c.cleanConversationUnreadMessageCount(conversationId: "c2c_bob", cleanTimestamp: 200, cleanSequence: 0)
        try eq(try c.unread("c2c_bob"), 1, "bob after clean to t=200")
        try c.cleanConversationUnreadMessageCount(conversationId: "group_g1", cleanTimestamp: 0, cleanSequence: 2)
        try eq(try c.unread("group_g1"), 1, "g1 after clean to seq 2")
        try eq(try c.getTotalUnreadCount(), 6)
        try c.cleanConversationUnreadMessageCount(conversationId: "c2c", cleanTimestamp: 0, cleanSequence: 0)
        try eq(try c.unread("c2c_bob") + c.unread("c2c_carol"), 0)
        try eq(try c.getTotalUnreadCount(), 3)
        try c.cleanConversationUnreadMessageCount(conversationId: "group", cleanTimestamp: 0, cleanSequence: 0)
        try eq(try c.getTotalUnreadCount(), 0)
        _ = try c.receiveMessages(messages: [incoming("b9", "c2c_bob", "bob", 900),
                                             incoming("g1-9", "group_g1", "dave", 901, seq: 9)])
        try eq(try c.getTotalUnreadCount(), 2)
        try c.cleanConversationUnreadMessageCount(conversationId: "", cleanTimestamp: 0, cleanSequence: 0)
        try eq(try c.getTotalUnreadCount(), 0)
        try eq(try c.getConversation(conversationId: "c2c_bob").readTime, 900)
        try eq(try c.getConversationReadTime(conversationId: "group_g1"), 9)
        try c.verify()
    }),
    ("excluded-from-unread messages", {
        let c = try newClient()
        defer { c.close() }
        _ = try c.receiveMessages(messages: [incoming("x1", "c2c_bob", "bob", 100),
                                             incoming("x2", "c2c_bob", "bob", 101, excluded: true, text: "typing")])
        let conv = try c.getConversation(conversationId: "c2c_bob")
        try eq(conv.unreadCount, 1)
        try eq(conv.lastMessage?.messageId, "x2")
        try eq(conv.lastMessage?.text, "typing")
        try eq(try c.getTotalUnreadCount(), 1)
        try check(try c.getMessage(messageId: "x2").excludedFromUnread, "x2 not excluded")
    }),
    ("mute (receive option) leaves the total", {
        let c = try newClient()
        defer { c.close() }
        let rec = ConversationRecorder()
        let handle = c.addConversationListener(listener: rec)
        defer { handle.close() }
        try eq(try c.getTotalUnreadCount(), 0) // starts the total listener
        try seed(c)
        try c.setReceiveMessageOption(conversationId: "c2c_bob", option: .notNotify)
        let conv = try c.getConversation(conversationId: "c2c_bob")
        try check(conv.mute && conv.unreadCount == 3, "bob: \(conv)")
        try eq(try c.getTotalUnreadCount(), 7)
        try eq(try c.getUnreadCountByFilter(filter: ConversationFilter()), 10)
        try eq(try c.getUnreadCountByFilter(filter: ConversationFilter(ignoreMuted: true)), 7)
        _ = try c.receiveMessages(messages: [incoming("b4", "c2c_bob", "bob", 400)])
        try eq(try c.getTotalUnreadCount(), 7)
        try c.setReceiveMessageOption(conversationId: "c2c_bob", option: .receive)
        try eq(try c.getTotalUnreadCount(), 11)
        try c.flush()
        try eq(Array(rec.named("onTotalUnreadCountChanged").map { $0[0] }.suffix(2)),
               [AnyHashable(UInt64(7)), AnyHashable(UInt64(11))])
    }),
    ("receipt round trip through a Swift OutboundTransport", {
        let server = LoopbackServer()
        let alice = try newClient("alice")
        let bob = try newClient("bob")
        defer { alice.close(); bob.close() }
        try server.attach("alice", alice)
        try server.attach("bob", bob)
        let receipts = ReceiptRecorder()
        let bobGot = MessageRecorder()
        let h1 = alice.addReceiptListener(listener: receipts)
        let h2 = bob.addMessageListener(listener: bobGot)
        defer { h1.close(); h2.close() }

        let sent = try alice.sendTextMessage(conversationId: "c2c_bob", text: "read me", needReadReceipt: true)
        try eq(sent.status, .sending)
        try alice.flush(); try bob.flush()
        try eq(try alice.getMessage(messageId: sent.messageId).status, .succeeded)
        try eq(bobGot.messages.map { $0.messageId }, [sent.messageId])
        let got = try bob.getMessage(messageId: sent.messageId)
        try check(got.needReadReceipt && !got.receiptSent && got.text == "read me", "bob got \(got)")
        try eq(try bob.unread("c2c_alice"), 1)

        try eq(try bob.sendMessageReceipts(messageIds: [sent.messageId]), [sent.messageId])
        try bob.flush(); try alice.flush()
        try eq(receipts.receipts.map { "\($0.messageId):\($0.isPeerRead)" }, ["\(sent.messageId):true"])
        try check(try alice.getMessageReceipts(messageIds: [sent.messageId])[0].isPeerRead, "pulled receipt not read")
        try check(try alice.getMessage(messageId: sent.messageId).isPeerRead, "message not peer-read")
        try check(try bob.getMessage(messageId: sent.messageId).receiptSent, "bob's receipt not marked sent")
        try check(try alice.getPendingOutbound().isEmpty && bob.getPendingOutbound().isEmpty, "unacked envelopes")
        try check(server.delivered.contains("alice:message") && server.delivered.contains("bob:receipt"),
                  "delivered \(server.delivered)")
        try check(!(server.sendThreads + receipts.threads).contains { pthread_equal($0, mainThread) != 0 },
                  "transport or listener ran on the test thread")
    }),
    ("errors surface as errors with the right variant", {
        let c = try newClient()
        defer { c.close() }
        _ = try throwsError("ConversationNotFound", { if case .ConversationNotFound = $0 { return true }; return false }) {
            _ = try c.getConversation(conversationId: "c2c_nobody")
        }
        let e = try throwsError("InvalidParam", { if case .InvalidParam = $0 { return true }; return false }) {
            _ = try c.getConversation(conversationId: "c2c_" + String(repeating: "x", count: 296))
        }
        try check("\(e)".contains("256"), "message: \(e)")
        _ = try throwsError("InvalidParam", { if case .InvalidParam = $0 { return true }; return false }) {
            _ = try c.getConversation(conversationId: "nobody")
        }
        _ = try throwsError("MessageNotFound", { if case .MessageNotFound = $0 { return true }; return false }) {
            _ = try c.getMessage(messageId: "missing")
        }
        _ = try throwsError("GroupNotFound", { if case .GroupNotFound = $0 { return true }; return false }) {
            try c.clearUnreadCountByGroupId(groupName: "nope")
        }
        _ = try c.createConversationGroup(name: "work", serverExtension: nil, conversationIds: [])
        _ = try throwsError("GroupExists", { if case .GroupExists = $0 { return true }; return false }) {
            _ = try c.createConversationGroup(name: "work", serverExtension: nil, conversationIds: [])
        }
        let failed = try c.clearUnreadCountByIds(conversationIds: ["c2c_nobody"])
        try eq(failed.map { "\($0.conversationId):\($0.code)" }, ["c2c_nobody:6004"])
        let other = try ImClient(config: ClientConfig(dataDir: tempDir()))
        _ = try throwsError("NotLoggedIn", { if case .NotLoggedIn = $0 { return true }; return false }) {
            _ = try other.getTotalUnreadCount()
        }
        other.close()
        _ = try throwsError("NotLoggedIn", { if case .NotLoggedIn = $0 { return true }; return false }) {
            try other.login(userId: "me")
        }
    }),
    ("conversation management and groups", {
        let c = try newClient()
        defer { c.close() }
        try seed(c)
        try c.stickTopConversation(conversationId: "c2c_carol", stickTop: true)
        let page = try c.getConversationList(offset: 0, limit: 3)
        try eq(page.conversationList[0].conversationId, "c2c_carol")
        try check(!page.finished, "first page finished")
        let rest = try c.getConversationList(offset: page.offset, limit: 10)
        try check(rest.finished && page.conversationList.count + rest.conversationList.count == 4, "paging")
        try eq(try c.getStickTopConversationList().map { $0.conversationId }, ["c2c_carol"])
        try c.updateConversation(conversationId: "c2c_bob", update: ConversationUpdate(serverExtension: "srv"))
        try c.updateConversationLocalExtension(conversationId: "c2c_bob", localExtension: "loc")
        let bob = try c.getConversation(conversationId: "c2c_bob")
        try eq([bob.serverExtension, bob.localExtension], ["srv", "loc"])
        let res = try c.createConversationGroup(name: "friends", serverExtension: nil,
                                                conversationIds: ["c2c_bob", "c2c_carol", "c2c_nobody"])
        try eq(res.failedList.map { $0.conversationId }, ["c2c_nobody"])
        let listed = try c.getConversationListByOption(offset: 0, limit: 10,
                                                       option: ConversationOption(conversationGroupIds: ["friends"]))
        try eq(Set(listed.conversationList.map { $0.conversationId }), ["c2c_bob", "c2c_carol"])
        try c.clearUnreadCountByGroupId(groupName: "friends")
        try eq(try c.getTotalUnreadCount(), 5)
        try c.renameConversationGroup(oldName: "friends", newName: "pals")
        try eq(try c.getConversation(conversationId: "c2c_bob").groupIds, ["pals"])
        try c.clearUnreadCountByTypes(conversationTypes: [.group])
        try eq(try c.getTotalUnreadCount(), 0)
        _ = try c.markConversation(conversationIds: ["c2c_bob"], markType: 0x2, enable: true)
        try eq(try c.getConversation(conversationId: "c2c_bob").markTypes, 0x2)
        try c.deleteConversation(conversationId: "c2c_bob", clearMessage: false)
        _ = try throwsError("ConversationNotFound", { if case .ConversationNotFound = $0 { return true }; return false }) {
            _ = try c.getConversation(conversationId: "c2c_bob")
        }
        try eq(try c.getMessageList(conversationId: "group_g1", beforeMessageId: nil, count: 2)[0].messageId, "g1-3")
        try c.verify()
    }),
    ("read position from another device and sync events", {
        let c = try newClient()
        defer { c.close() }
        let rec = ConversationRecorder()
        let handle = c.addConversationListener(listener: rec)
        defer { handle.close() }
        try seed(c)
        try c.receiveSyncPhase(phase: .started, reason: "")
        try c.receiveReadPosition(conversationId: "group_g1", timestamp: 0, sequence: 3)
        try c.receiveSyncPhase(phase: .failed, reason: "timeout")
        try eq(try c.unread("group_g1"), 0)
        try c.flush()
        let names = rec.calls.map { $0.name }
        try check(names.firstIndex(of: "onConversationReadTimeUpdated")! > names.firstIndex(of: "onSyncStarted")!,
                  "order: \(names)")
        try eq(rec.named("onConversationReadTimeUpdated"), [["group_g1", UInt64(3)]])
        try eq(rec.named("onSyncFailed"), [["timeout"]])
    }),
    ("a closed handle (or a dropped one) stops events", {
        let c = try newClient()
        defer { c.close() }
        let rec = ConversationRecorder()
        let handle = c.addConversationListener(listener: rec)
        try check(handle.isActive(), "not active")
        handle.close()
        try check(!handle.isActive(), "still active")
        let rec2 = ConversationRecorder()
        do { _ = c.addConversationListener(listener: rec2) }  // dropped at once: deinit unregisters
        try seed(c)
        try c.flush()
        try eq(rec.calls.count + rec2.calls.count, 0, "calls after close / drop")
    }),
    ("conversation id helpers", {
        try eq(try conversationIdFromNim(nimConversationId: "me|1|bob"), "c2c_bob")
        try eq(try conversationIdFromNim(nimConversationId: "me|2|team"), "group_team")
        try eq(try conversationIdToNim(myAccountId: "me", conversationId: "c2c_bob"), "me|1|bob")
        try eq(try parseConversationType(conversationId: "group_x"), .group)
        _ = try throwsError("InvalidParam", { if case .InvalidParam = $0 { return true }; return false }) {
            _ = try conversationIdFromNim(nimConversationId: "me|9|bob")
        }
    }),
]

var passed = 0
var failed = 0
let only = Set(CommandLine.arguments.dropFirst())
for (name, body) in tests where only.isEmpty || only.contains(name) {
    do {
        try body()
        passed += 1
        print("PASS \(name)")
    } catch {
        failed += 1
        print("FAIL \(name): \(error)")
    }
}
for d in tempDirs { try? FileManager.default.removeItem(atPath: d) }
print("tests: \(passed) passed, \(failed) failed")
exit(failed == 0 ? 0 : 1)
