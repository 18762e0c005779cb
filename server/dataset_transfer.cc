#include "server/dataset_transfer.h"

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/dataset_reader.h"
#include "graph/dataset_writer.h"
#include "server/status_util.h"

namespace citymatch {
namespace {

// Collects the streamed files, then parses and applies them on a worker
// thread: an import of thousands of rows must not hold a callback thread.
class ImportReactor : public grpc::ServerReadReactor<v1::ImportDatasetRequest> {
 public:
  // `admitted` is the outcome of admitting the call; if it is not OK the
  // import finishes with it at once.
  ImportReactor(grpc::CallbackServerContext* context, GraphStore* store,
                AuditLog* audit, Principal principal,
                const grpc::Status& admitted, int64_t max_bytes,
                v1::ImportDatasetResponse* response)
      : context_(context),
        store_(store),
        audit_(audit),
        principal_(std::move(principal)),
        max_bytes_(max_bytes),
        response_(response) {
    if (!admitted.ok()) {
      Done(admitted);
      return;
    }
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      // The client finished sending, or the call was cancelled (its
      // deadline passed, the client went away): Import() tells which.
      std::thread([this] { Done(Import()); }).detach();
      return;
    }
    const v1::DatasetChunk& chunk = request_.chunk();
    validate_only_ = validate_only_ || request_.validate_only();
    bytes_ += static_cast<int64_t>(chunk.data().size());
    if (bytes_ > max_bytes_) {
      Done(grpc::Status(
          grpc::StatusCode::RESOURCE_EXHAUSTED,
          absl::StrCat("the import exceeds ", max_bytes_, " bytes")));
      return;
    }
    if (!chunk.file().empty() || !chunk.data().empty()) {
      files_[chunk.file()].append(chunk.data());
    }
    StartRead(&request_);
  }

  void OnDone() override { delete this; }

 private:
  void Done(const grpc::Status& status) {
    // A validate-only import writes nothing: like any read, it is not
    // recorded (an "ImportDataset OK" in the log says a data set was
    // applied). One refused before its first message was read is, as the
    // server cannot tell it from an import.
    if (audit_event_.has_value()) {
      audit_->Finish(*audit_event_, "dataset", status);
    } else if (!principal_.token_id.empty() && !validate_only_) {
      audit_->Record(principal_, "ImportDataset", "dataset", status);
    }
    Finish(status);
  }

  // OK while the client waits for the outcome; CANCELLED or
  // DEADLINE_EXCEEDED once it does not, as applying the import then would
  // write data while the client reports a failure. The deadline is compared
  // too: gRPC marks the call cancelled only once its timer has fired.
  absl::Status StillWanted() const {
    if (std::chrono::system_clock::now() >= context_->deadline()) {
      return absl::DeadlineExceededError(
          "the deadline passed before the import was applied; nothing was "
          "written");
    }
    if (context_->IsCancelled()) {
      return absl::CancelledError(
          "the call was cancelled before the import was applied; nothing "
          "was written");
    }
    return absl::OkStatus();
  }

  grpc::Status Import() {
    // The files of a call cancelled while they were sent may be cut short.
    if (absl::Status wanted = StillWanted(); !wanted.ok()) {
      return ToGrpcStatus(wanted);
    }
    if (files_.empty()) {
      return InvalidArgument({{"chunk", "the import holds no file"}});
    }
    // The rows are merged into the stored resources of their ids (a project
    // row keeps the stored members, a city row the stored profile), so what
    // is committed must be merged into the graph it is committed onto, or a
    // write by someone else in between would be undone. The files are read
    // first beside other writes, and the commit requires each resource they
    // merge into to be still as read (and each new one still new); if one
    // changed, they are read again under the write lock, other writes
    // waiting meanwhile.
    grpc::Status refused;
    auto make = [&](const GraphSnapshot& graph,
                    bool guard) -> absl::StatusOr<Mutation> {
      ParsedDataset parsed = ParseDataset(files_, &graph);
      if (!parsed.problems.empty()) {
        std::vector<FieldViolation> violations;
        for (const DatasetProblem& p : parsed.problems) {
          violations.push_back(
              {p.file.empty() ? "import"
               : p.line == 0  ? p.file
                              : absl::StrCat(p.file, ":", p.line),
               p.reason});
        }
        refused = InvalidArgument(violations,
                                  static_cast<size_t>(parsed.problem_count));
        return absl::InvalidArgumentError("refused");
      }
      response_->set_cities(static_cast<int>(parsed.dataset.cities.size()));
      response_->set_memberships(parsed.memberships);
      response_->set_practices(
          static_cast<int>(parsed.dataset.practices.size()));
      response_->set_twinnings(
          static_cast<int>(parsed.dataset.twinnings.size()));
      response_->set_projects(parsed.projects);
      Mutation mutation;
      mutation.put_cities = std::move(parsed.dataset.cities);
      mutation.put_projects = std::move(parsed.dataset.projects);
      mutation.put_practices = std::move(parsed.dataset.practices);
      mutation.put_twinnings = std::move(parsed.dataset.twinnings);
      if (guard) {
        for (const City& c : mutation.put_cities) {
          mutation.preconditions.push_back(
              As(EntityKind::kCity, c.id, graph.FindCity(c.id)));
        }
        for (const Project& p : mutation.put_projects) {
          mutation.preconditions.push_back(
              As(EntityKind::kProject, p.id, graph.FindProject(p.id)));
        }
        for (const Practice& p : mutation.put_practices) {
          mutation.preconditions.push_back(
              As(EntityKind::kPractice, p.id, graph.FindPractice(p.id)));
        }
      }
      return mutation;
    };

    std::shared_ptr<const GraphSnapshot> graph = store_->Snapshot();
    absl::StatusOr<Mutation> mutation = make(*graph, /*guard=*/true);
    if (!mutation.ok()) return refused;
    if (validate_only_) {
      response_->set_graph_version(graph->version());
      return grpc::Status::OK;
    }
    // Asked again under the write lock, just before the commit: parsing,
    // waiting for other writes and building the snapshot take time. A call
    // cancelled during the commit itself, or after it, still has its data
    // written while its client sees CANCELLED or DEADLINE_EXCEEDED: the
    // client may give up at any moment, and no server can take back a
    // commit. The audit log records OK then; it, not the client's status,
    // tells whether such an import was applied.
    auto still_wanted = [this] { return StillWanted(); };
    absl::StatusOr<int64_t> event =
        audit_->Begin(principal_, "ImportDataset", "dataset");
    if (!event.ok()) return ToGrpcStatus(event.status());
    audit_event_ = *event;
    absl::StatusOr<std::shared_ptr<const GraphSnapshot>> next =
        store_->Apply(*mutation, still_wanted);
    const absl::StatusCode code = next.status().code();
    if (code == absl::StatusCode::kAborted ||
        code == absl::StatusCode::kAlreadyExists ||
        code == absl::StatusCode::kNotFound) {
      // Only the preconditions fail so: another write came in between.
      next = store_->ApplyFrom(
          [&](const GraphSnapshot& base) { return make(base, false); },
          still_wanted);
      if (!next.ok() && refused.error_code() != grpc::StatusCode::OK) {
        return refused;
      }
    }
    if (!next.ok()) return ToGrpcStatus(next.status());
    response_->set_graph_version((*next)->version());
    return grpc::Status::OK;
  }

  // The precondition that keeps an import from undoing another write: the
  // resource `stored` as the import read it (nullptr: it did not exist).
  template <typename T>
  static Precondition As(EntityKind kind, const std::string& id,
                         const T* stored) {
    if (stored == nullptr) {
      return {kind, id, Precondition::Kind::kMustNotExist, ""};
    }
    return {kind, id, Precondition::Kind::kMustExist, Etag(*stored)};
  }

  // Valid until OnDone(), which comes only after Finish().
  grpc::CallbackServerContext* const context_;
  GraphStore* const store_;
  AuditLog* const audit_;
  const Principal principal_;
  const int64_t max_bytes_;
  v1::ImportDatasetResponse* const response_;
  v1::ImportDatasetRequest request_;
  std::map<std::string, std::string> files_;
  int64_t bytes_ = 0;
  bool validate_only_ = false;
  // The import's audit event, once the import is about to be applied.
  std::optional<int64_t> audit_event_;
};

// Sends each file of the export in chunks, one write in flight at a time.
class ExportReactor : public grpc::ServerWriteReactor<v1::DatasetChunk> {
 public:
  // Finishes at once with `admitted` if it is not OK, or if no slot is free.
  ExportReactor(const grpc::Status& admitted, const GraphStore& store,
                int chunk_bytes, ExportSlots* slots, std::string token_id)
      : slots_(slots),
        token_id_(std::move(token_id)),
        chunk_bytes_(chunk_bytes) {
    grpc::Status status = admitted;
    if (status.ok()) status = slots_->Take(token_id_);
    if (!status.ok()) {
      Finish(status);
      return;
    }
    // Made only once a slot is held: the files are what the slots bound.
    files_ = WriteDatasetFiles(*store.Snapshot());
    file_ = files_.begin();
    Next();
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Done(grpc::Status(grpc::StatusCode::CANCELLED, "export cancelled"));
      return;
    }
    Next();
  }

  void OnDone() override { delete this; }

 private:
  // Gives the slot back before the client can hear that the export is
  // over, so that a client exporting again at once finds it free.
  void Done(const grpc::Status& status) {
    slots_->Give(token_id_);
    files_.clear();
    Finish(status);
  }

  void Next() {
    if (file_ == files_.end()) {
      Done(grpc::Status::OK);
      return;
    }
    chunk_.set_file(file_->first);
    chunk_.set_data(file_->second.substr(offset_, chunk_bytes_));
    offset_ += chunk_bytes_;
    if (offset_ >= file_->second.size()) {
      ++file_;
      offset_ = 0;
    }
    StartWrite(&chunk_);
  }

  ExportSlots* const slots_;
  const std::string token_id_;
  std::map<std::string, std::string> files_;
  std::map<std::string, std::string>::const_iterator file_;
  size_t offset_ = 0;
  const size_t chunk_bytes_;
  v1::DatasetChunk chunk_;
};

}  // namespace

grpc::ServerReadReactor<v1::ImportDatasetRequest>* NewImportReactor(
    grpc::CallbackServerContext* context, GraphStore* store, AuditLog* audit,
    Principal principal, const grpc::Status& admitted, int64_t max_bytes,
    v1::ImportDatasetResponse* response) {
  return new ImportReactor(context, store, audit, std::move(principal),
                           admitted, max_bytes, response);
}

grpc::Status ExportSlots::Take(const std::string& token_id) {
  absl::MutexLock lock(&mu_);
  int& taken = taken_[token_id];
  if (taken >= per_token_) {
    return WithRetryInfo(
        grpc::StatusCode::RESOURCE_EXHAUSTED,
        absl::StrCat("token ", token_id, " has ", taken,
                     " exports in progress, at most ", per_token_,
                     " at once: read or cancel one first"),
        1000);
  }
  if (taken_in_all_ >= total_) {
    if (taken == 0) taken_.erase(token_id);
    return WithRetryInfo(
        grpc::StatusCode::RESOURCE_EXHAUSTED,
        absl::StrCat("the server is sending ", taken_in_all_,
                     " exports, at most ", total_, " at once; retry later"),
        1000);
  }
  ++taken;
  ++taken_in_all_;
  return grpc::Status::OK;
}

void ExportSlots::Give(const std::string& token_id) {
  absl::MutexLock lock(&mu_);
  auto it = taken_.find(token_id);
  if (it == taken_.end()) return;
  --taken_in_all_;
  if (--it->second == 0) taken_.erase(it);
}

grpc::ServerWriteReactor<v1::DatasetChunk>* NewExportReactor(
    const grpc::Status& admitted, const GraphStore& store, int chunk_bytes,
    ExportSlots* slots, const std::string& token_id) {
  return new ExportReactor(admitted, store, chunk_bytes, slots, token_id);
}

}  // namespace citymatch
