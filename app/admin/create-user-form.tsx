"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api, queryKeys, type UserSummary } from "@/lib/ui/api";
import { ErrorAlert } from "@/lib/ui/error-alert";

export function CreateUserForm() {
  const queryClient = useQueryClient();
  const [created, setCreated] = useState<UserSummary | null>(null);
  const create = useMutation({
    mutationFn: api.createUser,
    onSuccess: async (user) => {
      setCreated(user);
      await queryClient.invalidateQueries({ queryKey: queryKeys.users });
    },
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setCreated(null);
    create.mutate(
      { email: String(form.get("email") ?? "").trim(), password: String(form.get("password") ?? ""), role: String(form.get("role") ?? "analyst") },
      { onSuccess: () => formElement.reset() },
    );
  }

  return (
    <form onSubmit={onSubmit} className="space-y-3 p-3" aria-label="Create user">
      <div>
        <label htmlFor="new-user-email" className="field-label">
          Email
        </label>
        <input id="new-user-email" name="email" type="email" autoComplete="off" required className="input" />
      </div>
      <div>
        <label htmlFor="new-user-password" className="field-label">
          Password
        </label>
        <input
          id="new-user-password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          className="input"
          aria-describedby="new-user-password-help"
        />
        <span id="new-user-password-help" className="field-help">
          At least 8 characters. Share it with the user through a safe channel.
        </span>
      </div>
      <div>
        <label htmlFor="new-user-role" className="field-label">
          Role
        </label>
        <select id="new-user-role" name="role" defaultValue="analyst" className="input">
          <option value="analyst">analyst</option>
          <option value="admin">admin</option>
        </select>
      </div>
      {create.isError && <ErrorAlert error={create.error} title="Could not create the user" testId="create-user-error" />}
      {created && (
        <p role="status" className="rounded border border-emerald-800 bg-emerald-950/60 px-3 py-2 text-sm text-emerald-200" data-testid="create-user-success">
          Created {created.email} ({created.role}).
        </p>
      )}
      <button type="submit" className="btn btn-primary w-full" disabled={create.isPending}>
        {create.isPending ? "Creating…" : "Create user"}
      </button>
    </form>
  );
}
