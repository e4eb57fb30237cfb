import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// `notify.webhook_url`: each event as `POST` with a JSON body (and its id in
/// `X-Docmerge-Event-Id`) through Foundation's URLSession. A 2xx answer is delivery.
public struct WebhookChannel: NotifyChannel {
    public let url: URL
    private let session: URLSession
    public var name: String { "webhook" }

    public init?(url text: String) {
        guard let url = URL(string: text) else { return nil }
        self.url = url
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        session = URLSession(configuration: configuration)
    }

    public func deliver(_ notification: NotificationRecordBody, timeout: Double) -> String? {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(notification.eventID, forHTTPHeaderField: "X-Docmerge-Event-Id")
        request.httpBody = Data(notification.body.utf8)
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<String?>("the webhook did not answer within \(CommandChannel.seconds(timeout)) s")
        let task = session.dataTask(with: request) { _, response, error in
            let result: String?
            if let error {
                result = "the webhook request failed: \(error.localizedDescription)"
            } else if let http = response as? HTTPURLResponse {
                result = (200..<300).contains(http.statusCode) ? nil : "the webhook answered HTTP \(http.statusCode)"
            } else {
                result = "the webhook gave no HTTP answer"
            }
            outcome.withLock { $0 = result }
            done.signal()
        }
        task.resume()
        if done.wait(timeout: .now() + timeout + 1) == .timedOut {
            task.cancel()
            return outcome.withLock { $0 }
        }
        return outcome.withLock { $0 }
    }
}
